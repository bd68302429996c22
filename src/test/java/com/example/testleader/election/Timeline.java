package com.example.testleader.election;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What several candidates believed, and when, on one monotonic clock. A candidate's
 * critical window opens when its {@code OnGrantedEvent} reaches the listeners and closes
 * when the {@code OnRevokedEvent} listeners have returned (or when the test killed it).
 * <p>
 * Public for the tests of the election's other packages.
 */
public final class Timeline {

	public enum Kind {

		GRANTED, REVOKED, DIED, LOST, ENDED, RENEWED

	}

	public record Entry(long nanos, String candidate, Kind kind, Object detail) {
	}

	/** What the observer was told once a step-down was over. */
	public record Ending(StepDownReason reason, boolean released, String handedTo) {
	}

	public record Window(String candidate, long fencingToken, long from, long to) {

		boolean overlaps(Window other) {
			return this.from < other.to && other.from < this.to;
		}

	}

	private final List<Entry> entries = new CopyOnWriteArrayList<>();

	public List<Entry> entries() {
		return List.copyOf(this.entries);
	}

	public void record(String candidate, Kind kind, Object detail) {
		this.entries.add(new Entry(System.nanoTime(), candidate, kind, detail));
	}

	/**
	 * A publisher for one candidate: records the event, around {@code listener} (which
	 * stands for the application's listeners).
	 */
	public LeaderEventPublisher publisher(String candidate, LeaderEventPublisher listener) {
		return new LeaderEventPublisher() {

			@Override
			public void publishOnGranted(Object source, Context context, String role) {
				record(candidate, Kind.GRANTED, context);
				listener.publishOnGranted(source, context, role);
			}

			@Override
			public void publishOnRevoked(Object source, Context context, String role) {
				try {
					listener.publishOnRevoked(source, context, role);
				}
				finally {
					record(candidate, Kind.REVOKED, context);
				}
			}

			@Override
			public void publishOnFailedToAcquire(Object source, Context context, String role) {
			}

		};
	}

	/** Records step-down reasons, and every successful write of a term as RENEWED. */
	public ElectionObserver observer(String candidate) {
		return new ElectionObserver() {

			@Override
			public void acquired(LeaderTerm term) {
				record(candidate, Kind.RENEWED, term);
			}

			@Override
			public void renewal(LeaderTerm term, RenewalOutcome outcome) {
				if (outcome == RenewalOutcome.SUCCESS) {
					record(candidate, Kind.RENEWED, outcome);
				}
			}

			@Override
			public void lost(LeaderTerm term, StepDownReason reason) {
				record(candidate, Kind.LOST, reason);
			}

			@Override
			public void ended(LeaderTerm term, StepDownReason reason, boolean released, String handedTo) {
				record(candidate, Kind.ENDED, new Ending(reason, released, handedTo));
			}

		};
	}

	/** Critical windows, in the order they opened; an open window ends now. */
	public List<Window> windows() {
		List<Window> windows = new ArrayList<>();
		Map<String, Entry> open = new ConcurrentHashMap<>();
		for (Entry entry : this.entries) {
			switch (entry.kind()) {
				case GRANTED -> open.put(entry.candidate(), entry);
				case REVOKED, DIED -> {
					Entry granted = open.remove(entry.candidate());
					if (granted != null) {
						windows.add(window(granted, entry.nanos()));
					}
				}
				default -> {
				}
			}
		}
		long now = System.nanoTime();
		open.values().forEach((granted) -> windows.add(window(granted, now)));
		return windows;
	}

	private static Window window(Entry granted, long to) {
		return new Window(granted.candidate(), ((LeaseContext) granted.detail()).fencingToken(), granted.nanos(), to);
	}

	/** Candidates whose window is open. */
	public Set<String> leaders() {
		Set<String> leaders = new LinkedHashSet<>();
		for (Entry entry : this.entries) {
			switch (entry.kind()) {
				case GRANTED -> leaders.add(entry.candidate());
				case REVOKED, DIED -> leaders.remove(entry.candidate());
				default -> {
				}
			}
		}
		return leaders;
	}

	public Optional<Entry> last(String candidate, Kind kind) {
		Entry found = null;
		for (Entry entry : this.entries) {
			if (entry.candidate().equals(candidate) && entry.kind() == kind) {
				found = entry;
			}
		}
		return Optional.ofNullable(found);
	}

	public Optional<Entry> first(String candidate, Kind kind) {
		return this.entries.stream().filter((e) -> e.candidate().equals(candidate) && e.kind() == kind).findFirst();
	}

	/** At no instant were two critical windows open. */
	public void assertNoOverlap() {
		List<Window> windows = windows();
		for (int i = 0; i < windows.size(); i++) {
			for (int j = i + 1; j < windows.size(); j++) {
				assertThat(windows.get(i).overlaps(windows.get(j)))
					.as("critical windows %s and %s overlap", windows.get(i), windows.get(j))
					.isFalse();
			}
		}
	}

}
