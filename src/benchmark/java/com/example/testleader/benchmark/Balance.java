package com.example.testleader.benchmark;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;

/**
 * The roles' spread over the replicas, replayed from a run's events: who runs each role's
 * work (the replicas' own {@code leading} / {@code stopped leading} lines, a death ending
 * them all) and who is a member (said it is ready, and has been neither signalled nor
 * killed since). The roles are <em>balanced</em> when every role is run by exactly one
 * replica, a member, and the members' counts (zero for a member running none) differ by at
 * most one: the service's promise ({@code RoleBalance}), judged from outside.
 *
 * <p>
 * Members are counted from the replica's own ready line, not from its pod's readiness as
 * the kubelet reports it: the time the report takes is part of what is measured.
 */
final class Balance {

	private Balance() {
	}

	/**
	 * When the balanced stretch in effect at {@code until} began; empty if the roles are not
	 * balanced then. Only events up to {@code until} count.
	 */
	static Optional<Long> balancedSince(List<Event> events, List<String> roles, long until) {
		Map<String, Set<String>> leading = new HashMap<>();
		roles.forEach((role) -> leading.put(role, new HashSet<>()));
		Set<String> members = new HashSet<>();
		Long since = null;
		for (Event event : events) {
			if (event.nanos() > until) {
				break;
			}
			switch (event.kind()) {
				case READY -> members.add(event.replica());
				case LEADING -> leading.computeIfAbsent(event.role(), (role) -> new HashSet<>()).add(event.replica());
				case STOPPED -> leading.getOrDefault(event.role(), new HashSet<>()).remove(event.replica());
				case DIED -> {
					members.remove(event.replica());
					leading.values().forEach((replicas) -> replicas.remove(event.replica()));
				}
				case FAULT -> {
					if (leaves(event)) {
						members.remove(event.replica());
					}
				}
				default -> {
					continue;
				}
			}
			boolean balanced = balanced(leading, roles, members);
			if (!balanced) {
				since = null;
			}
			else if (since == null) {
				since = event.nanos();
			}
		}
		return Optional.ofNullable(since);
	}

	/** A SIGTERM: the replica's pod is being deleted, so it is no member any more. */
	private static boolean leaves(Event event) {
		return event.kind() == Kind.FAULT && "SIGTERM".equals(event.detail());
	}

	private static boolean balanced(Map<String, Set<String>> leading, List<String> roles, Set<String> members) {
		if (members.isEmpty()) {
			return false;
		}
		Map<String, Integer> counts = new HashMap<>();
		members.forEach((member) -> counts.put(member, 0));
		for (String role : roles) {
			Set<String> leaders = leading.get(role);
			if (leaders.size() != 1 || !members.contains(leaders.iterator().next())) {
				return false;
			}
			counts.merge(leaders.iterator().next(), 1, Integer::sum);
		}
		Collection<Integer> values = counts.values();
		return values.stream().max(Integer::compare).get() - values.stream().min(Integer::compare).get() <= 1;
	}

	/**
	 * The balancing moves made: each offer ({@code OFFERED}) that its giver answered by
	 * stopping the role's work (before it offered anything else, left or died) and whose
	 * receiver then ran it first. An offer not taken up, or a role another replica ran
	 * first, is no move.
	 */
	static List<Move> moves(List<Event> events) {
		List<Move> moves = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			Event offer = events.get(i);
			if (offer.kind() == Kind.OFFERED) {
				move(events, i, offer).ifPresent(moves::add);
			}
		}
		return moves;
	}

	private static Optional<Move> move(List<Event> events, int offerAt, Event offer) {
		Event stopped = null;
		for (Event event : events.subList(offerAt + 1, events.size())) {
			if (stopped == null && event.replica().equals(offer.replica())) {
				if (event.kind() == Kind.OFFERED || event.kind() == Kind.DIED || leaves(event)) {
					return Optional.empty();
				}
				if (event.kind() == Kind.STOPPED && event.role().equals(offer.role())) {
					stopped = event;
				}
			}
			else if (stopped != null && event.kind() == Kind.LEADING && event.role().equals(offer.role())) {
				return event.replica().equals(offer.detail()) ? Optional.of(new Move(offer.role(), offer.replica(),
						offer.detail(), offer.nanos(), stopped.nanos(), event.nanos())) : Optional.empty();
			}
		}
		return Optional.empty();
	}

	/**
	 * One balancing move of {@code role} from {@code giver} to {@code receiver}: offered,
	 * the giver's work stopped, the receiver's started (the benchmark's clock, nanoseconds).
	 */
	record Move(String role, String giver, String receiver, long offered, long stopped, long leading) {

		/** How long the role had no leader: the giver's work stopped → the receiver's started. */
		double leaderlessMillis() {
			return Run.millis(this.leading - this.stopped);
		}

		/** The offer → the receiver runs the work. */
		double offerToLeadingMillis() {
			return Run.millis(this.leading - this.offered);
		}

	}

}
