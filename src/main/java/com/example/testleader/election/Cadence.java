package com.example.testleader.election;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the election acts and how long it waits for anything: all derived from the
 * configured timings, in one place.
 * <p>
 * Internal: for the election's own packages.
 */
public record Cadence(LeaderElectionProperties timings) {

	/** client-go's jitter factor: followers retry every retry period × [1, 2.2]. */
	private static final double JITTER = 1.2;

	public long retryNanos() {
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
	public Duration callTimeout() {
		return this.timings.renewDeadline().dividedBy(2);
	}

	/**
	 * An acquisition attempt (read, take, read again after a conflict): one renew deadline
	 * from now in all.
	 */
	Deadline attempt(Ticker ticker) {
		return new Deadline(ticker, ticker.nanoTime() + renewDeadlineNanos(), callTimeout());
	}

	/** A renewal: every call of it ends by the term's own deadline. */
	Deadline renewal(Ticker ticker, long termDeadlineNanos) {
		return new Deadline(ticker, termDeadlineNanos, callTimeout());
	}

	/** A release, or the re-creation of a deleted Lease: two retry periods in all. */
	Deadline release(Ticker ticker) {
		return new Deadline(ticker, ticker.nanoTime() + releaseBudget().toNanos(), callTimeout());
	}

	private Duration releaseBudget() {
		return this.timings.retryPeriod().multipliedBy(2);
	}

	/**
	 * How long a Lease handed to one replica is left to it before anyone may take it: one
	 * retry period. The replica it was handed to takes it as soon as its watch delivers the
	 * release (milliseconds); only if it cannot (it is stopping, or its watch is down) does
	 * the role wait this long for another taker.
	 */
	Duration handoverGrace() {
		return this.timings.retryPeriod();
	}

	/**
	 * How long an offer of a role stands before it is withdrawn unanswered: three retry
	 * periods, so that a receiver whose watch is down still sees it on its next poll
	 * (jittered up to 2.2 retry periods).
	 */
	long offerTimeoutNanos() {
		return retryNanos() * 3;
	}

	/**
	 * How long the balance of roles waits after any change (a holder, a member) before it
	 * moves a role: long enough for every replica's watch to have delivered the change, so
	 * that all replicas judge the same view and only one of them moves a role.
	 */
	public long balanceSettleNanos() {
		return retryNanos() / 4;
	}

	/** How long a replica that yielded leaves the Lease to the others: one lease duration. */
	long yieldPauseNanos() {
		return this.timings.leaseDuration().toNanos();
	}

	/**
	 * The longest one step of the loop can take: an attempt (at most a renew deadline, see
	 * {@link #attempt} and {@link #renewal}), then, if it ends the term, the wait for the
	 * work to stop (the stop margin) and a release or re-creation ({@link #release}).
	 */
	Duration longestStep() {
		return this.timings.renewDeadline().plus(this.timings.stopMargin()).plus(releaseBudget());
	}

	/**
	 * The loop is stalled after this long without a step: steps follow each other at most
	 * one lease duration apart (the longest backoff or yield pause), and one takes at most
	 * {@link #longestStep()}.
	 */
	Duration stallThreshold() {
		return this.timings.leaseDuration().plus(longestStep());
	}

	/**
	 * The longest a graceful leave takes: the step in flight ({@link #longestStep()}),
	 * then the leave itself: the work stopping (the stop margin) and the release.
	 */
	public Duration leaveTimeout() {
		return longestStep().plus(stepDownBudget());
	}

	/** A graceful step-down once begun: the work stopping (the stop margin) and the release. */
	long stepDownBudgetNanos() {
		return stepDownBudget().toNanos();
	}

	private Duration stepDownBudget() {
		return this.timings.stopMargin().plus(releaseBudget());
	}

	/**
	 * The longest a hand-over to a named replica takes: the offer's wait for its acceptance,
	 * then a graceful leave.
	 */
	public Duration handOverTimeout() {
		return Duration.ofNanos(offerTimeoutNanos()).plus(leaveTimeout());
	}

}
