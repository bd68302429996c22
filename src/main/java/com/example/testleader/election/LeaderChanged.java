package com.example.testleader.election;

/**
 * Published when this replica observes that a different replica (or none) holds the
 * Lease.
 *
 * @param role the Lease name
 * @param leader holder identity of the new leader, {@code null} when nobody holds it
 * @param fencingToken the Lease's {@code leaseTransitions} as observed: the new leader's
 * fencing token
 * @param observer holder identity of the replica that observed the change
 * @param earlyTakeover on the replica that took the Lease before it expired: why the
 * previous holder's process was known to be gone; otherwise {@code null}
 */
public record LeaderChanged(String role, String leader, long fencingToken, String observer, String earlyTakeover) {

	public boolean isObserver() {
		return this.observer.equals(this.leader);
	}

}
