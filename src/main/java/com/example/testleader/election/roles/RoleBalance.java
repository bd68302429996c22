package com.example.testleader.election.roles;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the roles should be spread over the replicas, as one replica judges it from what it
 * sees. Every replica applies the same rule to (nearly) the same view, so they agree on
 * who moves a role and where, and only that replica moves it:
 * <ul>
 * <li>A role is moved only while every role is held: a free role is taken by whoever
 * gets it first, whatever it already holds, so that balance never delays recovery; the
 * balance follows once it is taken.</li>
 * <li>Only the member holding the most roles gives one, to the member holding the
 * fewest, and only when it holds at least two more (ties go to the name first in
 * order). With a difference of one nothing moves, so roles cannot ping-pong: after a
 * move the receiver holds at most as many as the giver.</li>
 * <li>It gives the last of its roles in the roles' order, so the first roles stay put;
 * a move the receiver refused lately gives way to the next receiver holding at least two
 * fewer, then to the next role.</li>
 * </ul>
 * Once nothing moves, the members' counts differ by at most one, so none holds more than
 * {@code ceil(roles / members)}.
 *
 * @param self this replica's name
 * @param members the replicas that may take a role: those the pods show ready, and this
 * one while it competes (without a view of the pods: those holding a role, and this one)
 * @param holders for each role, in the roles' order, the name of the replica holding it,
 * or {@code null} while it is free or handed over and not yet taken
 */
record RoleBalance(String self, Set<String> members, Map<String, String> holders) {

	RoleBalance {
		members = new TreeSet<>(members);
		holders = new LinkedHashMap<>(holders);
	}

	/** Whether every role is held: only then does a role move. */
	boolean settled() {
		return this.holders.values().stream().allMatch(Objects::nonNull);
	}

	/** Roles held by each member, zero for those holding none. */
	Map<String, Integer> counts() {
		Map<String, Integer> counts = new HashMap<>();
		this.members.forEach((member) -> counts.put(member, 0));
		this.holders.values()
			.stream()
			.filter((holder) -> holder != null && this.members.contains(holder))
			.forEach((holder) -> counts.merge(holder, 1, Integer::sum));
		return counts;
	}

	/** Whether every role is held and the members' counts differ by at most one. */
	boolean balanced() {
		Map<String, Integer> counts = counts();
		return settled() && (counts.isEmpty()
				|| counts.values().stream().max(Integer::compare).get()
						- counts.values().stream().min(Integer::compare).get() <= 1);
	}

	/** The move this replica should make now, if any: a role it holds, to another member. */
	Optional<Move> move() {
		return move(Set.of());
	}

	/**
	 * As {@link #move()}, leaving out moves that were {@code refused} lately (the receiver
	 * did not accept them): then the next role, or the next receiver holding at least two
	 * fewer, in the same order.
	 */
	Optional<Move> move(Set<Move> refused) {
		if (!settled() || this.members.size() < 2) {
			return Optional.empty();
		}
		Map<String, Integer> counts = counts();
		Comparator<String> byCount = Comparator.comparing(counts::get);
		String giver = this.members.stream().max(byCount.thenComparing(Comparator.reverseOrder())).get();
		if (!giver.equals(this.self)) {
			return Optional.empty();
		}
		List<String> takers = this.members.stream()
			.filter((member) -> counts.get(giver) - counts.get(member) >= 2)
			.sorted(byCount.thenComparing(Comparator.naturalOrder()))
			.toList();
		List<String> mine = rolesOf(this.self);
		for (int i = mine.size() - 1; i >= 0; i--) {
			for (String taker : takers) {
				Move move = new Move(mine.get(i), taker);
				if (!refused.contains(move)) {
					return Optional.of(move);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Where this replica's roles go when it leaves: each, in the roles' order, to the other
	 * member then holding the fewest. Roles left out of the plan (no other member known)
	 * go to whoever takes them first.
	 */
	Map<String, String> leavePlan() {
		Map<String, Integer> counts = counts();
		counts.remove(this.self);
		Map<String, String> plan = new LinkedHashMap<>();
		for (String role : rolesOf(this.self)) {
			counts.entrySet()
				.stream()
				.min(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
				.ifPresent((fewest) -> {
					plan.put(role, fewest.getKey());
					fewest.setValue(fewest.getValue() + 1);
				});
		}
		return plan;
	}

	private List<String> rolesOf(String replica) {
		List<String> roles = new ArrayList<>();
		this.holders.forEach((role, holder) -> {
			if (replica.equals(holder)) {
				roles.add(role);
			}
		});
		return roles;
	}

	/**
	 * Offer {@code role} to the replica {@code to}.
	 *
	 * @param role the role (its Lease)
	 * @param to the name of the replica to hand it to
	 */
	record Move(String role, String to) {
	}

}
