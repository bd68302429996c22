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
 * <li>A role is moved only while every role is held, and by a member: a free role is
 * taken by whoever gets it first, whatever it already holds, so that balance never delays
 * recovery; and a role held by a replica that is no member (its pod being deleted, or
 * gone) is on its way elsewhere: balancing before it lands would move a second role to
 * the member it lands on (in a rollout, a new pod ready just before an old one leaves).
 * The balance follows once it is taken.</li>
 * <li>Only the member holding the most roles gives one, to the member holding the
 * fewest, and only when it holds at least two more (ties go to the name first in
 * order). With a difference of one nothing moves, so roles cannot ping-pong: after a
 * move the receiver holds at most as many as the giver.</li>
 * <li>It gives the last of its roles in the roles' order, so the first roles stay put;
 * a move the receiver refused lately gives way to the next receiver holding at least two
 * fewer, then to the next role.</li>
 * <li>During a rollout the newest revision comes first: a role goes to a member of the
 * newest revision among those that may take it, and never to a member of an older
 * revision than its giver's, so that a role moves onto the new pods once, not onto an old
 * pod that is replaced next.</li>
 * </ul>
 * Once nothing moves, the members' counts differ by at most one, so none holds more than
 * {@code ceil(roles / members)}.
 *
 * @param self this replica's name
 * @param members the replicas that may take a role: those the pods show ready, and this
 * one while it competes (without a view of the pods: those holding a role, and this one)
 * @param holders for each role, in the roles' order, the name of the replica holding it,
 * or {@code null} while it is free or handed over and not yet taken
 * @param revisions how new each replica's revision is (higher is newer), this one's
 * included; a replica not in it ranks with the oldest (no pod view: all rank alike)
 * @param pinned the roles whose Lease names a preferred holder: the preference places
 * them, not the balance, which never moves them (else the two would hand a role back and
 * forth)
 */
record RoleBalance(String self, Set<String> members, Map<String, String> holders, Map<String, Integer> revisions,
		Set<String> pinned) {

	RoleBalance {
		members = new TreeSet<>(members);
		holders = new LinkedHashMap<>(holders);
		revisions = Map.copyOf(revisions);
		pinned = Set.copyOf(pinned);
	}

	/** Every replica of the same revision (no rollout, or no view of the pods), no role preferring a holder. */
	RoleBalance(String self, Set<String> members, Map<String, String> holders) {
		this(self, members, holders, Map.of(), Set.of());
	}

	/** No role preferring a holder. */
	RoleBalance(String self, Set<String> members, Map<String, String> holders, Map<String, Integer> revisions) {
		this(self, members, holders, revisions, Set.of());
	}

	private int revision(String replica) {
		return this.revisions.getOrDefault(replica, 0);
	}

	/** Whether every role is held, and by a member: only then does a role move. */
	boolean settled() {
		return this.holders.values().stream().allMatch((holder) -> holder != null && this.members.contains(holder));
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
			.filter((member) -> counts.get(giver) - counts.get(member) >= 2 && revision(member) >= revision(giver))
			.sorted(newestFirst().thenComparing(byCount).thenComparing(Comparator.naturalOrder()))
			.toList();
		List<String> mine = rolesOf(this.self);
		mine.removeAll(this.pinned);
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
	 * member of the newest revision then holding the fewest. Roles left out of the plan (no
	 * other member known) go to whoever takes them first. A single role, having nothing to
	 * balance, is handed only to a newer revision than this replica's (a rollout); else the
	 * first to take it, the quickest, has it.
	 */
	Map<String, String> leavePlan() {
		Map<String, Integer> counts = counts();
		counts.remove(this.self);
		Comparator<String> fewest = Comparator.comparing(counts::get);
		Map<String, String> plan = new LinkedHashMap<>();
		for (String role : rolesOf(this.self)) {
			counts.keySet()
				.stream()
				.min(newestFirst().thenComparing(fewest).thenComparing(Comparator.naturalOrder()))
				.filter((to) -> this.holders.size() > 1 || revision(to) > revision(this.self))
				.ifPresent((to) -> {
					plan.put(role, to);
					counts.merge(to, 1, Integer::sum);
				});
		}
		return plan;
	}

	/** The roles of {@code plan} it hands to a newer revision than this replica's: a rollout. */
	Set<String> toNewerRevision(Map<String, String> plan) {
		Set<String> rollout = new TreeSet<>();
		plan.forEach((role, to) -> {
			if (revision(to) > revision(this.self)) {
				rollout.add(role);
			}
		});
		return rollout;
	}

	private Comparator<String> newestFirst() {
		return Comparator.comparing(this::revision).reversed();
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
