package com.example.testleader.election.takeover;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.example.testleader.election.Ticker;

/**
 * This process's wall clock, moved forward by however far it has been stepped back since
 * the JVM started (measured against the monotonic {@link Ticker}, which no step moves; the
 * JVM's start is recorded by the JVM itself, a moment after its container's). A reading is therefore never earlier than one the same clock gave before a
 * backward step: what the early-takeover rule needs of a term's beginning, since it
 * compares it with times the kubelet read from that clock ({@link ProcessGone}). Forward
 * steps and slewing only make readings later, which only makes that rule more cautious.
 */
final class SteppedClock {

	private final Clock clock;

	private final Ticker ticker;

	private final Instant startedAt;

	private final long startedAtNanos;

	/**
	 * @param startedAt a wall-clock reading of the start
	 * @param startedAtNanos the same moment on {@code ticker}
	 */
	SteppedClock(Clock clock, Ticker ticker, Instant startedAt, long startedAtNanos) {
		this.clock = clock;
		this.ticker = ticker;
		this.startedAt = startedAt;
		this.startedAtNanos = startedAtNanos;
	}

	/** Steps counted from the JVM's start. */
	static SteppedClock sinceJvmStart(Clock clock, Ticker ticker) {
		RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
		long uptimeNanos = TimeUnit.MILLISECONDS.toNanos(runtime.getUptime());
		return new SteppedClock(clock, ticker, Instant.ofEpochMilli(runtime.getStartTime()),
				ticker.nanoTime() - uptimeNanos);
	}

	Instant now() {
		Instant wall = this.clock.instant();
		long elapsed = this.ticker.nanoTime() - this.startedAtNanos;
		long steppedBack = elapsed - Duration.between(this.startedAt, wall).toNanos();
		return (steppedBack > 0) ? wall.plusNanos(steppedBack) : wall;
	}

}
