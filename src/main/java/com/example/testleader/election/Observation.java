package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;

/**
 * What this replica last saw of the Lease, and when, on its own monotonic clock.
 *
 * <p>
 * This is client-go's rule: a holder's lease is over once the record has not changed for
 * the record's own {@code leaseDurationSeconds}, counted from when <em>this</em> replica
 * saw it change. The holder's {@code renewTime} is never compared with the local wall
 * clock, so an offset between clocks cannot make a live lease look expired; only a
 * difference in clock <em>rate</em> matters. A deletion counts as a change, so a Lease
 * deleted under its leader is re-created only after a full lease duration.
 *
 * @param record the Lease as last seen, {@code null} when it did not exist
 * @param observedAtNanos when it was first seen in this state ({@link Ticker} time)
 * @param observedAt the same moment on the wall clock, for display only
 * @param takeoverAfter how long after {@code observedAtNanos} the Lease may be taken
 * @param lastTransitions highest {@code leaseTransitions} seen, {@code -1} if none
 */
record Observation(LeaseRecord record, long observedAtNanos, Instant observedAt, Duration takeoverAfter,
		int lastTransitions) {

	/** Nothing seen yet: a Lease that does not exist may be created at once. */
	static Observation initial() {
		return new Observation(null, Long.MIN_VALUE, null, Duration.ZERO, -1);
	}

	boolean seenAnything() {
		return this.observedAt != null;
	}

	/**
	 * The observation after reading {@code seen} (null: not found) at {@code nowNanos};
	 * this one if nothing changed.
	 * @param fallback the lease duration to assume when a record names a holder but lacks
	 * its own duration
	 */
	Observation next(LeaseRecord seen, long nowNanos, Instant now, Duration fallback) {
		if (seenAnything() && ((seen == null) ? this.record == null : seen.sameStateAs(this.record))) {
			return this;
		}
		if (seen == null) {
			Duration lastDuration = (this.record != null) ? durationOf(this.record, fallback) : Duration.ZERO;
			return new Observation(null, nowNanos, now, lastDuration, this.lastTransitions);
		}
		Duration wait = seen.released() ? Duration.ZERO : durationOf(seen, fallback);
		return new Observation(seen, nowNanos, now, wait, Math.max(this.lastTransitions, seen.transitions()));
	}

	/** Nanoseconds until {@code identity} may take the Lease; zero if it may now. */
	long nanosUntilAcquirable(long nowNanos, String identity) {
		if (this.record != null && identity.equals(this.record.holder())) {
			return 0;
		}
		if (!seenAnything()) {
			return 0;
		}
		return Math.max(0, this.observedAtNanos + this.takeoverAfter.toNanos() - nowNanos);
	}

	/** The fencing token of the next term: one more than any transition count seen. */
	int nextTransitions() {
		return this.lastTransitions + 1;
	}

	String holder() {
		return (this.record != null) ? this.record.holder() : null;
	}

	private static Duration durationOf(LeaseRecord record, Duration fallback) {
		return record.leaseDuration().orElse(fallback);
	}

}
