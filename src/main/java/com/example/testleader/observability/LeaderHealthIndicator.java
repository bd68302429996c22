package com.example.testleader.observability;

import com.example.testleader.election.Leadership;
import com.example.testleader.election.LeaseElector;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * The {@code leader} health component: UP on the leader and on followers alike (following
 * is healthy), DOWN only when the election loop is dead or stuck. It is part of the
 * liveness group, so the kubelet restarts a replica whose election no longer works. The
 * {@code competing} detail says whether the replica takes part in the election at all
 * (not before it is ready, nor while it shuts down).
 * Reads what the elector already observed; never calls the API server.
 */
@Component
class LeaderHealthIndicator extends AbstractHealthIndicator {

	private final LeaseElector elector;

	LeaderHealthIndicator(LeaseElector elector) {
		super("Leader election health check failed");
		this.elector = elector;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		// one snapshot: what it says cannot change between two reads
		Leadership leadership = this.elector.leadership();
		if (leadership.stalledFor() != null) {
			builder.down().withDetail("stalledFor", leadership.stalledFor().toString());
		}
		else {
			builder.up();
		}
		builder.withDetail("role", leadership.role())
			.withDetail("competing", leadership.competing())
			.withDetail("identity", leadership.identity())
			.withDetail("lease", leadership.namespace() + "/" + leadership.leaseName());
		if (leadership.holder() != null) {
			builder.withDetail("holder", leadership.holder());
		}
		if (leadership.leader()) {
			builder.withDetail("fencingToken", leadership.fencingToken())
				.withDetail("lastRenewal", leadership.lastRenewal());
		}
		else if (leadership.lastObservation() != null) {
			builder.withDetail("lastObservation", leadership.lastObservation());
		}
	}

}
