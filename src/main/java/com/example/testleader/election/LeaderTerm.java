package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One uninterrupted period of leadership of one process, as the work is handed it: who
 * holds it, its fencing token, and whether it is still valid.
 *
 * <p>
 * The scheduler checks the term before every run, but a run can outlast its term: a long
 * step, or a process frozen (GC, SIGSTOP, a paused VM) in the middle of it. Work with
 * several side effects should therefore ask {@link #isValid()} right before each of them,
 * and give up once it is false: it never turns true again. That narrows the gap but
 * cannot close it: a process frozen between the check and the side effect still acts
 * late. Only a downstream system that refuses a {@link #fencingToken()} lower than one it
 * has seen closes it.
 *
 * <p>
 * Equal terms are the same holder, role, token and acquisition; the validity is the
 * term's live state, not part of what it is.
 */
public final class LeaderTerm {

	private final String identity;

	private final String role;

	private final long fencingToken;

	private final Instant acquiredAt;

	private final TermValidity validity;

	/**
	 * @param identity holder identity of this process
	 * @param role the Lease name
	 * @param fencingToken the Lease's {@code leaseTransitions} written by this acquisition
	 * @param acquiredAt wall-clock time of the acquisition, for display
	 * @param validity until when the term is valid; the elector's own
	 */
	public LeaderTerm(String identity, String role, long fencingToken, Instant acquiredAt, TermValidity validity) {
		this.identity = identity;
		this.role = role;
		this.fencingToken = fencingToken;
		this.acquiredAt = acquiredAt;
		this.validity = Objects.requireNonNull(validity, "validity");
	}

	/** Holder identity of this process. */
	public String identity() {
		return this.identity;
	}

	/** The Lease name. */
	public String role() {
		return this.role;
	}

	/**
	 * The Lease's {@code leaseTransitions} written by this acquisition: strictly greater
	 * than that of every earlier term this Lease has seen (as long as the Lease is not
	 * deleted together with the memory of every replica). Pass it to downstream systems so
	 * they can refuse writes from a stale leader: nothing here can stop a paused process
	 * from acting on a belief that has since expired.
	 */
	public long fencingToken() {
		return this.fencingToken;
	}

	/** Wall-clock time of the acquisition, for display. */
	public Instant acquiredAt() {
		return this.acquiredAt;
	}

	/**
	 * Whether the term is still valid: false from its renew deadline (or its end) on, for
	 * good, at the same instant as for the elector and {@link LeaseContext#isLeader()}.
	 */
	public boolean isValid() {
		return this.validity.isValid();
	}

	/**
	 * How long the term stays valid without another renewal, on this replica's monotonic
	 * clock; {@link Duration#ZERO} once it has ended. A renewal moves it later.
	 */
	public Duration remaining() {
		return Duration.ofNanos(this.validity.remainingNanos());
	}

	TermValidity validity() {
		return this.validity;
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof LeaderTerm that && this.fencingToken == that.fencingToken
				&& Objects.equals(this.identity, that.identity) && Objects.equals(this.role, that.role)
				&& Objects.equals(this.acquiredAt, that.acquiredAt));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.identity, this.role, this.fencingToken, this.acquiredAt);
	}

	@Override
	public String toString() {
		return "LeaderTerm[identity=" + this.identity + ", role=" + this.role + ", fencingToken=" + this.fencingToken
				+ ", acquiredAt=" + this.acquiredAt + "]";
	}

}
