package com.example.testleader.benchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happened in one run, on the benchmark's own monotonic clock: the replicas' log lines
 * (timed when they arrive, so a skewed replica clock does not matter), signals, faults, the
 * Lease versions the benchmark watched, and the kubelet stand-in's reports as the benchmark
 * watched them land ({@code REPORTED}).
 */
final class Events {

	enum Kind {

		STARTED, READY, LEADING, STOPPED, DIED, NEW_LEADER, FAULT, HEALED, RENEWED, DELETED, REPORTED

	}

	record Event(long nanos, String replica, Kind kind, String detail) {
	}

	/** A critical window: one replica ran the critical task from {@code from} to {@code to}. */
	record Window(String replica, long from, long to) {
	}

	private final List<Event> events = new CopyOnWriteArrayList<>();

	final long origin = System.nanoTime();

	Event add(String replica, Kind kind, String detail) {
		Event event = new Event(System.nanoTime(), replica, kind, detail);
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

	/** Critical windows; one still open ends at {@code end}. */
	List<Window> windows(long end) {
		List<Window> windows = new ArrayList<>();
		java.util.Map<String, Long> open = new java.util.HashMap<>();
		for (Event event : this.events) {
			switch (event.kind()) {
				case LEADING -> open.putIfAbsent(event.replica(), event.nanos());
				case STOPPED, DIED -> {
					Long from = open.remove(event.replica());
					if (from != null) {
						windows.add(new Window(event.replica(), from, event.nanos()));
					}
				}
				default -> {
				}
			}
		}
		open.forEach((replica, from) -> windows.add(new Window(replica, from, end)));
		windows.sort(Comparator.comparingLong(Window::from));
		return windows;
	}

	/** Replicas with an open window now. */
	List<String> leaders() {
		return windows(Long.MAX_VALUE).stream().filter((w) -> w.to() == Long.MAX_VALUE).map(Window::replica).toList();
	}

	/**
	 * Nanoseconds within [from, to] during which at least ({@code atMost}: at most)
	 * {@code count} windows were open.
	 */
	long timeWith(int count, long from, long to, boolean atMost) {
		List<long[]> edges = new ArrayList<>();
		for (Window window : windows(to)) {
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

	/** Time two or more replicas ran the critical task at once. */
	long overlap(long from, long to) {
		return timeWith(2, from, to, false);
	}

	/** Time nobody ran it. */
	long leaderless(long from, long to) {
		return timeWith(0, from, to, true);
	}

}
