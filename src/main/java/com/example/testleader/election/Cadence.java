package com.example.testleader.election;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the election acts and how long it waits for anything: all derived from the
 * configured timings, in one place.
 */
record Cadence(LeaderElectionProperties timings) {

	/** client-go's jitter factor: followers retry every retry period × [1, 2.2]. */
	private static final double JITTER = 1.2;

	long retryNanos() {
		return this.timings.retryPeriod().toNanos();
	}

	/** A follower's next poll, jittered so that followers do not move in step. */
	long jitteredRetryNanos() {
		return (long) (retryNanos() * (1 + ThreadLocalRandom.current().nextDouble() * JITTER));
	}

	/**
	 * After {@code failures} failed steps in a row: the retry period, then twice it (never
	 * more than a lease duration), so that a replica finds a recovered API server within
	 * seconds and still eases off a failing one.
	 */
	long backoffNanos(int failures) {
		long cap = Math.min(retryNanos() * 2, this.timings.leaseDuration().toNanos());
		return Math.min(retryNanos() << Math.min(failures - 1, 10), cap);
	}

	long renewDeadlineNanos() {
		return this.timings.renewDeadline().toNanos();
	}

	/**
	 * How long one API call may take: half the renew deadline, so that a call stuck on a
	 * dead connection leaves room for another try on a fresh one.
	 */
	Duration callTimeout() {
		return this.timings.renewDeadline().dividedBy(2);
	}

	/** A leader's call: the same, and never past its renew deadline. */
	Duration callTimeout(long nanosBeforeDeadline) {
		return Duration.ofNanos(Math.max(1, Math.min(nanosBeforeDeadline, callTimeout().toNanos())));
	}

	/** How long a replica that yielded leaves the Lease to the others: one lease duration. */
	long yieldPauseNanos() {
		return this.timings.leaseDuration().toNanos();
	}

	/**
	 * The loop is stalled after this long without a step: steps follow each other at most
	 * one lease duration apart (the longest backoff or yield pause), and one takes at most
	 * two renew deadlines (its bounded calls).
	 */
	Duration stallThreshold() {
		return this.timings.leaseDuration().plus(this.timings.renewDeadline().multipliedBy(2));
	}

	/**
	 * The longest a graceful leave takes: a step in flight (two calls of half the renew
	 * deadline), the work stopping (the stop margin), the release (two calls of a retry
	 * period).
	 */
	Duration leaveTimeout() {
		return this.timings.renewDeadline().plus(this.timings.stopMargin()).plus(this.timings.retryPeriod().multipliedBy(2));
	}

}
