package com.example.testleader.task;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The runs of ended terms, from the moment they are told to stop until their thread has
 * ended: usually for a moment, but for as long as it takes when a run ignores its
 * interruption. Keeping them is what lets the scheduler refuse to start another term's
 * work beside such a run, and fail every revocation while it lasts.
 */
final class StoppingRuns {

	private final Set<TermRun> runs = new HashSet<>();

	/** Begins to stop {@code run}, unless it is stopping already; never blocks. */
	void stop(TermRun run) {
		if (!run.markStopping()) {
			return;
		}
		// Kept before the shutdown, since a run that never started ends within it; and
		// whoever finds a run here finds its stop timeline begun.
		synchronized (this) {
			this.runs.add(run);
		}
		run.shutDown();
	}

	/** Called by a run once its thread has ended. */
	synchronized void ended(TermRun run) {
		this.runs.remove(run);
	}

	/** Whether every run kept here has ignored its interruption: none is still stopping. */
	synchronized boolean noneStopping() {
		return this.runs.stream().allMatch(TermRun::ignoresInterruption);
	}

	/** Fencing tokens of the ended terms whose run has not ended yet (stopping, or ignoring its interruption). */
	synchronized List<Long> alive() {
		return this.runs.stream().map(TermRun::fencingToken).sorted().toList();
	}

	/** Fencing tokens of the terms whose run ignored its interruption and still runs. */
	synchronized List<Long> ignoringInterruption() {
		return this.runs.stream().filter(TermRun::ignoresInterruption).map(TermRun::fencingToken).sorted().toList();
	}

	/**
	 * Waits until every run kept here, including those added meanwhile, has ended or has
	 * ignored its interruption.
	 */
	void await() throws InterruptedException {
		Set<TermRun> awaited = new HashSet<>();
		while (true) {
			List<TermRun> pending;
			synchronized (this) {
				pending = this.runs.stream().filter((run) -> !awaited.contains(run)).toList();
			}
			if (pending.isEmpty()) {
				return;
			}
			for (TermRun run : pending) {
				run.awaitStopped();
				awaited.add(run);
			}
		}
	}

	/** Interrupts every run at once: the application is shutting down. */
	void killAll() {
		List<TermRun> all;
		synchronized (this) {
			all = List.copyOf(this.runs);
		}
		all.forEach(TermRun::kill);
	}

}
