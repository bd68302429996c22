package com.example.testleader.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code leader_election_events_total{name,outcome}}: Kubernetes Events on leadership
 * changes that were {@code sent}, {@code dropped} (the queue was full, or the service was
 * stopping) or {@code failed} (the API refused them, 403 included, or did not answer in
 * time). Registered at zero up front, so that alerts see zeros rather than no series.
 */
final class EventOutcomes {

	private final Counter sent;

	private final Counter dropped;

	private final Counter failed;

	EventOutcomes(MeterRegistry registry, String lease) {
		this.sent = counter(registry, lease, "sent");
		this.dropped = counter(registry, lease, "dropped");
		this.failed = counter(registry, lease, "failed");
	}

	void sent() {
		this.sent.increment();
	}

	void dropped(int count) {
		this.dropped.increment(count);
	}

	void failed() {
		this.failed.increment();
	}

	private static Counter counter(MeterRegistry registry, String lease, String outcome) {
		return Counter.builder("leader.election.events")
			.description("Kubernetes Events on this replica's leadership changes, by outcome")
			.tag("name", lease)
			.tag("outcome", outcome)
			.register(registry);
	}

}
