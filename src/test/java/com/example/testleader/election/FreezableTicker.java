package com.example.testleader.election;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process's monotonic clock as a freeze (a long GC pause, SIGSTOP, a paused VM) leaves
 * it: the system's, moved on at once by however long the test says the process was
 * frozen. The test stands for the freeze itself by letting none of the process's threads
 * act meanwhile.
 */
public final class FreezableTicker implements Ticker {

	private final AtomicLong frozenNanos = new AtomicLong();

	@Override
	public long nanoTime() {
		return System.nanoTime() + this.frozenNanos.get();
	}

	/** The process wakes from a freeze of {@code duration}: its clock has moved on by that much. */
	public void wakeAfter(Duration duration) {
		this.frozenNanos.addAndGet(duration.toNanos());
	}

}
