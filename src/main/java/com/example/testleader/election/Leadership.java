package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * What this replica believes about the Lease right now: the one source that health, info,
 * metrics and the scheduler read. Built from what the elector last observed; reading it
 * never calls the API server.
 *
 * @param identity this replica's holder identity
 * @param namespace namespace of the Lease
 * @param leaseName name of the Lease (the role)
 * @param leader whether this replica leads and its renew deadline has not passed
 * @param competing whether this replica takes part in the election (false before it is
 * ready, while shutting down, and after it left)
 * @param holder holder identity of the current leader as last observed, or {@code null}
 * @param fencingToken this replica's fencing token while it leads, else {@code null}
 * @param lastRenewal when this replica last renewed successfully while leading, else
 * {@code null}
 * @param lastObservation when this replica last saw the Lease change
 * @param leaseTransitions {@code spec.leaseTransitions} as last observed
 * @param acquireTime {@code spec.acquireTime} as last observed
 * @param renewTime {@code spec.renewTime} as last observed
 * @param leaseDurationSeconds {@code spec.leaseDurationSeconds} as last observed
 * @param renewalAge on the leader, time since its last successful renewal; on a follower,
 * since it last saw the Lease change; {@code null} before anything was seen. Measured on
 * the monotonic clock.
 * @param stalledFor how long the election loop has been dead or stuck, or {@code null}
 * while it works
 */
public record Leadership(String identity, String namespace, String leaseName, boolean leader, boolean competing,
		String holder, Long fencingToken, Instant lastRenewal, Instant lastObservation, Integer leaseTransitions,
		ZonedDateTime acquireTime, ZonedDateTime renewTime, Integer leaseDurationSeconds, Duration renewalAge,
		Duration stalledFor) {

	public String role() {
		return this.leader ? "leader" : "follower";
	}

}
