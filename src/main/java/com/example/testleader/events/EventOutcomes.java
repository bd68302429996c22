package com.example.testleader.events;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code leader_election_events_total{name,outcome}}: Kubernetes Events on leadership
 * changes of each role ({@code name}: its Lease) that were {@code sent}, {@code dropped}
 * (the queue was full, or the service was stopping) or {@code failed} (the API refused
 * them, 403 included, or did not answer in time). Registered at zero up front for every
 * role, so that alerts see zeros rather than no series.
 */
final class EventOutcomes {

	private final MeterRegistry registry;

	EventOutcomes(MeterRegistry registry, List<String> roles) {
		this.registry = registry;
		for (String role : roles) {
			for (String outcome : new String[] { "sent", "dropped", "failed" }) {
				counter(role, outcome);
			}
		}
	}

	void sent(String role) {
		counter(role, "sent").increment();
	}

	void dropped(String role) {
		counter(role, "dropped").increment();
	}

	void failed(String role) {
		counter(role, "failed").increment();
	}

	private Counter counter(String role, String outcome) {
		return Counter.builder("leader.election.events")
			.description("Kubernetes Events on this replica's leadership changes, by outcome")
			.tag("name", role)
			.tag("outcome", outcome)
			.register(this.registry);
	}

}
