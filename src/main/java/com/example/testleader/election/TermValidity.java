package com.example.testleader.election;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

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
 *
 * <p>
 * That instant is remembered: the deadline itself when it passed, however late that is
 * noticed (a process frozen past it notices on waking), or the moment the term was ended
 * before it. The work's stop timeout counts from it, not from whenever someone looked.
 */
public final class TermValidity {

	private final Ticker ticker;

	private final AtomicReference<State> state;

	/** A term valid until {@code validUntilNanos} on {@code ticker}. */
	public TermValidity(Ticker ticker, long validUntilNanos) {
		this.ticker = ticker;
		this.state = new AtomicReference<>(new State(validUntilNanos, false));
	}

	public boolean isValid() {
		return remainingNanos() > 0;
	}

	/** Nanoseconds until the term lapses; zero once it has (or was ended). */
	public long remainingNanos() {
		while (true) {
			State current = this.state.get();
			if (current.lapsed()) {
				return 0;
			}
			long left = current.untilNanos() - this.ticker.nanoTime();
			if (left > 0) {
				return left;
			}
			if (this.state.compareAndSet(current, current.lapse())) {
				return 0;
			}
		}
	}

	/**
	 * When the term lapsed, on the {@link Ticker}: its deadline if that passed, else when
	 * it was ended; empty while it is valid.
	 */
	public OptionalLong lapsedAtNanos() {
		if (isValid()) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(this.state.get().untilNanos());
	}

	/** Nanoseconds from {@code atNanos} until now, on this term's ticker. */
	long nanosSince(long atNanos) {
		return this.ticker.nanoTime() - atNanos;
	}

	/**
	 * Moves the deadline to {@code untilNanos} if the term is still valid now.
	 * @return {@code false} if it had lapsed (it stays lapsed)
	 */
	boolean extend(long untilNanos) {
		while (true) {
			State current = this.state.get();
			if (current.lapsed()) {
				return false;
			}
			if (current.untilNanos() - this.ticker.nanoTime() <= 0) {
				this.state.compareAndSet(current, current.lapse());
				continue;
			}
			if (this.state.compareAndSet(current, new State(untilNanos, false))) {
				return true;
			}
		}
	}

	/** Ends the term now, for good; one that had already lapsed keeps its lapse. */
	public void end() {
		while (true) {
			State current = this.state.get();
			if (current.lapsed()) {
				return;
			}
			long now = this.ticker.nanoTime();
			State ended = (current.untilNanos() - now <= 0) ? current.lapse() : new State(now, true);
			if (this.state.compareAndSet(current, ended)) {
				return;
			}
		}
	}

	/**
	 * @param untilNanos the deadline while valid; once lapsed, when it lapsed
	 */
	private record State(long untilNanos, boolean lapsed) {

		/** Lapsed at the deadline. */
		State lapse() {
			return new State(this.untilNanos, true);
		}

	}

}
