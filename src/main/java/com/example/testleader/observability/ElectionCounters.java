package com.example.testleader.observability;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;

import org.springframework.stereotype.Component;

/**
 * Counts what the elector does. Every series is registered at zero up front, so that
 * dashboards and alerts see zeros rather than missing series.
 * <ul>
 * <li>{@code leader_election_acquisitions_total{name}}</li>
 * <li>{@code leader_election_losses_total{name,reason}}: reason is released, yielded,
 * renew_deadline, expired, taken_over or deleted</li>
 * <li>{@code leader_election_renewals_total{name,outcome}}: outcome is success, conflict,
 * error or timeout</li>
 * </ul>
 */
@Component
class ElectionCounters implements ElectionObserver {

	private final MeterRegistry registry;

	private final String lease;

	ElectionCounters(MeterRegistry registry, LeaderElectionProperties properties) {
		this.registry = registry;
		this.lease = properties.leaseName();
		acquisitions();
		for (StepDownReason reason : StepDownReason.values()) {
			losses(reason);
		}
		for (RenewalOutcome outcome : RenewalOutcome.values()) {
			renewals(outcome);
		}
	}

	@Override
	public void acquired(LeaderTerm term) {
		acquisitions().increment();
	}

	@Override
	public void lost(LeaderTerm term, StepDownReason reason) {
		losses(reason).increment();
	}

	@Override
	public void renewal(RenewalOutcome outcome) {
		renewals(outcome).increment();
	}

	private Counter acquisitions() {
		return Counter.builder("leader.election.acquisitions")
			.description("Terms this replica began")
			.tag("name", this.lease)
			.register(this.registry);
	}

	private Counter losses(StepDownReason reason) {
		return Counter.builder("leader.election.losses")
			.description("Terms this replica ended, by reason")
			.tag("name", this.lease)
			.tag("reason", reason.name().toLowerCase(Locale.ROOT))
			.register(this.registry);
	}

	private Counter renewals(RenewalOutcome outcome) {
		return Counter.builder("leader.election.renewals")
			.description("Renewal attempts of the leader, by outcome")
			.tag("name", this.lease)
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry);
	}

}
