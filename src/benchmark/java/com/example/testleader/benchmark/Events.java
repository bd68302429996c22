package com.example.testleader.benchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happened in one run, on the benchmark's own monotonic clock: the replicas' log lines
 * (timed when they arrive, so a skewed replica clock does not matter), signals, faults, the
 * Lease versions the benchmark watched, and the kubelet stand-in's reports as the benchmark
 * watched them land ({@code REPORTED}, and {@code POD_READY} where a pod's readiness follows
 * its replica's).
 *
 * <p>
 * {@code LEADING}, {@code STOPPED}, {@code NEW_LEADER} and {@code OFFERED} are about one role
 * (its Lease); a line that names none is about {@link #DEFAULT_ROLE}, the one Lease of the
 * single-role scenarios and of the baseline. A replica that dies ({@code DIED}) ends its
 * windows of every role.
 */
final class Events {

	/** The role of a line that names none: the service's default Lease. */
	static final String DEFAULT_ROLE = "test-lease";

	enum Kind {

		STARTED, READY, LEADING, STOPPED, DIED, NEW_LEADER, FAULT, HEALED, RENEWED, DELETED, REPORTED, POD_READY,

		/** The replica offers a role it leads to another, to balance the roles (detail: the receiver). */
		OFFERED

	}

	/**
	 * @param role the role a leadership line is about; {@code null} for every other kind
	 */
	record Event(long nanos, String replica, Kind kind, String detail, String role) {
	}

	/** A critical window: one replica ran the critical task of {@code role} from {@code from} to {@code to}. */
	record Window(String replica, String role, long from, long to) {
	}

	private final List<Event> events = new CopyOnWriteArrayList<>();

	final long origin = System.nanoTime();

	Event add(String replica, Kind kind, String detail) {
		return add(replica, kind, detail, null);
	}

	Event add(String replica, Kind kind, String detail, String role) {
		Event event = new Event(System.nanoTime(), replica, kind, detail, role);
		this.events.add(event);
		return event;
	}

	List<Event> all() {
		return List.copyOf(this.events);
	}

	Optional<Event> last(String replica, Kind kind) {
		Event found = null;
		for (Event event : this.events) {
			if (event.kind() == kind && (replica == null || event.replica().equals(replica))) {
				found = event;
			}
		}
		return Optional.ofNullable(found);
	}

	Optional<Event> firstAfter(long nanos, Kind kind, String notReplica) {
		return this.events.stream()
			.filter((e) -> e.nanos() >= nanos && e.kind() == kind && !e.replica().equals(notReplica))
			.findFirst();
	}

	/** The last Lease version held by {@code holder} (matched by prefix) seen before {@code nanos}. */
	Optional<Event> lastRenewalBy(String replica, long nanos) {
		Event found = null;
		for (Event event : this.events) {
			if (event.kind() == Kind.RENEWED && event.nanos() <= nanos && holds(event.detail(), replica)) {
				found = event;
			}
		}
		return Optional.ofNullable(found);
	}

	static boolean holds(String holder, String replica) {
		return holder != null && (holder.equals(replica) || holder.startsWith(replica + "_"));
	}

	/** Critical windows of every role; one still open ends at {@code end}. */
	List<Window> windows(long end) {
		List<Window> windows = new ArrayList<>();
		// by replica, then role: when each open window opened
		Map<String, Map<String, Long>> open = new HashMap<>();
		for (Event event : this.events) {
			switch (event.kind()) {
				case LEADING -> open.computeIfAbsent(event.replica(), (r) -> new HashMap<>())
					.putIfAbsent(event.role(), event.nanos());
				case STOPPED -> {
					Long from = open.getOrDefault(event.replica(), Map.of()).get(event.role());
					if (from != null) {
						open.get(event.replica()).remove(event.role());
						windows.add(new Window(event.replica(), event.role(), from, event.nanos()));
					}
				}
				case DIED -> {
					Map<String, Long> ended = open.remove(event.replica());
					if (ended != null) {
						ended.forEach((role, from) -> windows.add(new Window(event.replica(), role, from, event.nanos())));
					}
				}
				default -> {
				}
			}
		}
		open.forEach((replica, roles) -> roles.forEach((role, from) -> windows.add(new Window(replica, role, from, end))));
		windows.sort(Comparator.comparingLong(Window::from));
		return windows;
	}

	/** The critical windows of {@code role}; one still open ends at {@code end}. */
	List<Window> windows(String role, long end) {
		return windows(end).stream().filter((w) -> w.role().equals(role)).toList();
	}

	/** Replicas with an open window of the default role now. */
	List<String> leaders() {
		return leaders(DEFAULT_ROLE);
	}

	/** Replicas with an open window of {@code role} now. */
	List<String> leaders(String role) {
		return windows(role, Long.MAX_VALUE).stream()
			.filter((w) -> w.to() == Long.MAX_VALUE)
			.map(Window::replica)
			.toList();
	}

	/**
	 * Nanoseconds within [from, to] during which at least ({@code atMost}: at most)
	 * {@code count} windows of {@code role} were open.
	 */
	long timeWith(String role, int count, long from, long to, boolean atMost) {
		List<long[]> edges = new ArrayList<>();
		for (Window window : windows(role, to)) {
			long start = Math.max(window.from(), from);
			long end = Math.min(window.to(), to);
			if (start < end) {
				edges.add(new long[] { start, 1 });
				edges.add(new long[] { end, -1 });
			}
		}
		// a window closing at the instant another opens does not overlap it
		edges.sort(Comparator.<long[]>comparingLong((e) -> e[0]).thenComparingLong((e) -> e[1]));
		long total = 0;
		int open = 0;
		long previous = from;
		for (long[] edge : edges) {
			if (atMost ? open <= count : open >= count) {
				total += edge[0] - previous;
			}
			open += (int) edge[1];
			previous = edge[0];
		}
		if (atMost ? open <= count : open >= count) {
			total += to - previous;
		}
		return total;
	}

	/** Time two or more replicas ran the critical task of {@code role} at once. */
	long overlap(String role, long from, long to) {
		return timeWith(role, 2, from, to, false);
	}

	/** Time nobody ran the critical task of {@code role}. */
	long leaderless(String role, long from, long to) {
		return timeWith(role, 0, from, to, true);
	}

}
