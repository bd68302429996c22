package com.example.testleader.observability;

import java.util.List;

import com.example.testleader.election.Leadership;
import com.example.testleader.election.Electors;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.task.CriticalWorkMonitor;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * The {@code leader} health component: UP on the leader and on followers alike (following
 * is healthy), DOWN when the election loop is dead or stuck (and in the one case below).
 * It is part of the
 * liveness group, so the kubelet restarts a replica whose election no longer works. The
 * {@code competing} detail says whether the replica takes part in the election at all
 * (not before it is ready, nor while it shuts down).
 * Reads what the elector already observed; never calls the API server.
 *
 * <p>
 * One condition outside the election makes it DOWN as well: a run of the critical work
 * from an ended term that ignored its interruption and still runs (detail
 * {@code workIgnoringInterruption}: the fencing tokens of those terms). Only a
 * restart of the process can end such a run, and until it ends the replica must neither
 * release the Lease nor start the work again, so it is useless as leader and follower
 * alike: restarting it is the cure, unlike for work that merely fails.
 */
@Component
class LeaderHealthIndicator extends AbstractHealthIndicator {

	private final LeaseElector elector;

	private final CriticalWorkMonitor work;

	LeaderHealthIndicator(Electors electors, CriticalWorkMonitor work) {
		super("Leader election health check failed");
		this.elector = electors.primary();
		this.work = work;
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
		List<Long> ignoringInterruption = this.work.status(leadership.leaseName()).workIgnoringInterruption();
		if (!ignoringInterruption.isEmpty()) {
			builder.down().withDetail("workIgnoringInterruption", ignoringInterruption);
		}
	}

}
