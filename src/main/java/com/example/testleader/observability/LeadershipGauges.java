package com.example.testleader.observability;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import com.example.testleader.election.Election;
import com.example.testleader.election.roles.Electors;

import org.springframework.stereotype.Component;

/**
 * Gauges read from what the electors observed, at scrape time, one series per role
 * ({@code name}: the role's Lease).
 * <ul>
 * <li>{@code leader_election_master_status{name}}: 1 on the leader, 0 elsewhere;
 * client-go's name and label, so existing dashboards and alerts work unchanged.</li>
 * <li>{@code leader_election_fencing_token{name}}: the current term's
 * {@code leaseTransitions}, as observed.</li>
 * <li>{@code leader_election_last_renewal_age_seconds{name}}: on the leader, time since
 * its last successful renewal; on a follower, since it last saw the Lease change.</li>
 * </ul>
 */
@Component
class LeadershipGauges implements MeterBinder {

	private final Electors electors;

	LeadershipGauges(Electors electors) {
		this.electors = electors;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Election elector : this.electors.all()) {
			String lease = elector.role();
			Gauge.builder("leader.election.master.status", elector, (e) -> e.leadership().leader() ? 1 : 0)
				.description("1 if this replica leads the Lease, else 0")
				.tag("name", lease)
				.register(registry);
			Gauge.builder("leader.election.fencing.token", elector, (e) -> {
				Integer transitions = e.leadership().leaseTransitions();
				return (transitions != null) ? transitions : Double.NaN;
			}).description("leaseTransitions of the current term, as observed").tag("name", lease).register(registry);
			TimeGauge.builder("leader.election.last.renewal.age", elector, TimeUnit.MILLISECONDS, this::renewalAgeMillis)
				.description("Time since the Lease was last renewed, as far as this replica knows")
				.tag("name", lease)
				.register(registry);
		}
	}

	private double renewalAgeMillis(Election elector) {
		Duration age = elector.leadership().renewalAge();
		return (age != null) ? age.toMillis() : Double.NaN;
	}

}
