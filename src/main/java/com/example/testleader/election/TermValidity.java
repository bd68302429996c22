package com.example.testleader.election;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Until when one term is valid on this replica's monotonic {@link Ticker}, and the rule
 * that a term never comes back once it has lapsed.
 *
 * <p>
 * A renewal extends the term only while it is still valid: a renewal that is answered
 * after the renew deadline, even by a few microseconds, cannot revive it. The first
 * reader (or writer) that finds the deadline passed marks the term lapsed for good, so
 * every thread that has once seen {@code isValid() == false} sees it false for ever. The
 * work's checks, the scheduler's own timer and the elector therefore agree on one
 * instant at which the term ended.
 */
public final class TermValidity {

	private static final long LAPSED = Long.MIN_VALUE;

	private final Ticker ticker;

	private final AtomicLong validUntilNanos;

	/** A term valid until {@code validUntilNanos} on {@code ticker}. */
	public TermValidity(Ticker ticker, long validUntilNanos) {
		this.ticker = ticker;
		this.validUntilNanos = new AtomicLong(validUntilNanos);
	}

	public boolean isValid() {
		return remainingNanos() > 0;
	}

	/** Nanoseconds until the term lapses; zero once it has (or was ended). */
	public long remainingNanos() {
		while (true) {
			long until = this.validUntilNanos.get();
			if (until == LAPSED) {
				return 0;
			}
			long left = until - this.ticker.nanoTime();
			if (left > 0) {
				return left;
			}
			if (this.validUntilNanos.compareAndSet(until, LAPSED)) {
				return 0;
			}
		}
	}

	/**
	 * Moves the deadline to {@code untilNanos} if the term is still valid now.
	 * @return {@code false} if it had lapsed (it stays lapsed)
	 */
	boolean extend(long untilNanos) {
		while (true) {
			long until = this.validUntilNanos.get();
			if (until == LAPSED) {
				return false;
			}
			if (until - this.ticker.nanoTime() <= 0) {
				this.validUntilNanos.compareAndSet(until, LAPSED);
				continue;
			}
			if (this.validUntilNanos.compareAndSet(until, untilNanos)) {
				return true;
			}
		}
	}

	/** Ends the term now, for good. */
	public void end() {
		this.validUntilNanos.set(LAPSED);
	}

}
