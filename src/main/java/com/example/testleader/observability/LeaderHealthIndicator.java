package com.example.testleader.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.testleader.election.Election;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.task.CriticalWorkMonitor;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * The {@code leader} health component: UP on the leader and on followers alike (following
 * is healthy), DOWN when the election loop of any role is dead or stuck (and in the one
 * case below). It is part of the liveness group, so the kubelet restarts a replica whose
 * election no longer works. The {@code competing} detail says whether the replica takes
 * part in the election at all (not before it is ready, nor while it shuts down).
 * Reads what the electors already observed; never calls the API server.
 *
 * <p>
 * One condition outside the election makes it DOWN as well: a run of the critical work
 * from an ended term that ignored its interruption and still runs (detail
 * {@code workIgnoringInterruption}: the fencing tokens of those terms). Only a
 * restart of the process can end such a run, and until it ends the replica must neither
 * release the Lease nor start the work again, so it is useless as leader and follower
 * alike: restarting it is the cure, unlike for work that merely fails.
 *
 * <p>
 * With one role the details are those of its Lease, as they always were; with several,
 * each role's are under {@code roles}, and {@code rolesPerReplica} shows how the roles are
 * spread as this replica sees it.
 */
@Component
class LeaderHealthIndicator extends AbstractHealthIndicator {

	private final Electors electors;

	private final CriticalWorkMonitor work;

	LeaderHealthIndicator(Electors electors, CriticalWorkMonitor work) {
		super("Leader election health check failed");
		this.electors = electors;
		this.work = work;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		Map<String, Map<String, Object>> roles = new LinkedHashMap<>();
		boolean competing = false;
		for (Election elector : this.electors.all()) {
			// one snapshot per role: what it says cannot change between two reads
			Leadership leadership = elector.leadership();
			competing |= leadership.competing();
			Map<String, Object> details = details(leadership);
			List<Long> ignoringInterruption = this.work.status(leadership.leaseName()).workIgnoringInterruption();
			if (leadership.stalledFor() != null || !ignoringInterruption.isEmpty()) {
				builder.down();
			}
			if (!ignoringInterruption.isEmpty()) {
				details.put("workIgnoringInterruption", ignoringInterruption);
			}
			roles.put(leadership.leaseName(), details);
		}
		builder.withDetail("competing", competing).withDetail("identity", this.electors.identity());
		if (roles.size() == 1) {
			builder.withDetails(roles.values().iterator().next());
		}
		else {
			builder.withDetail("roles", roles).withDetail("rolesPerReplica", this.electors.rolesPerReplica());
		}
	}

	/** What one role's Lease looks like from here: the details the component always had. */
	private static Map<String, Object> details(Leadership leadership) {
		Map<String, Object> details = new LinkedHashMap<>();
		Duration stalledFor = leadership.stalledFor();
		if (stalledFor != null) {
			details.put("stalledFor", stalledFor.toString());
		}
		details.put("role", leadership.role());
		details.put("lease", leadership.namespace() + "/" + leadership.leaseName());
		if (leadership.holder() != null) {
			details.put("holder", leadership.holder());
		}
		if (leadership.leader()) {
			details.put("fencingToken", leadership.fencingToken());
			details.put("lastRenewal", leadership.lastRenewal());
		}
		else if (leadership.lastObservation() != null) {
			details.put("lastObservation", leadership.lastObservation());
		}
		return details;
	}

}
