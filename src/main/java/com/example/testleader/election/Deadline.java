package com.example.testleader.election;

import java.time.Duration;

/**
 * One absolute deadline for a whole attempt (a renewal, an acquisition, a release), on the
 * monotonic {@link Ticker}. Every call the attempt makes is given what is left of it (and
 * no more than {@code maxCall}), so an attempt of several calls (update, read after a
 * conflict, update again) ends by its deadline, not several call timeouts later. This is
 * client-go's rule: the renew loop runs under one context with the renew deadline.
 *
 * @param ticker the clock the deadline is on
 * @param atNanos the deadline
 * @param maxCall the longest any one call may take
 */
record Deadline(Ticker ticker, long atNanos, Duration maxCall) {

	/** How long the next call may take; throws if the deadline has passed: nothing is sent. */
	Duration nextCall() {
		long left = this.atNanos - this.ticker.nanoTime();
		if (left <= 0) {
			throw new LeaseApi.LeaseApiTimeoutException("The deadline of this attempt passed before the call");
		}
		return Duration.ofNanos(Math.min(left, this.maxCall.toNanos()));
	}

	boolean passed() {
		return this.atNanos - this.ticker.nanoTime() <= 0;
	}

}
