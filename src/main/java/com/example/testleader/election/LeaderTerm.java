package com.example.testleader.election;

import java.time.Instant;

/**
 * One uninterrupted period of leadership of one process.
 *
 * @param identity holder identity of this process
 * @param role the Lease name
 * @param fencingToken the Lease's {@code leaseTransitions} written by this acquisition:
 * strictly greater than that of every earlier term this Lease has seen (as long as the
 * Lease is not deleted together with the memory of every replica). Pass it to downstream
 * systems so they can refuse writes from a stale leader: nothing here can stop a paused
 * process from acting on a belief that has since expired.
 * @param acquiredAt wall-clock time of the acquisition, for display
 */
public record LeaderTerm(String identity, String role, long fencingToken, Instant acquiredAt) {

}
