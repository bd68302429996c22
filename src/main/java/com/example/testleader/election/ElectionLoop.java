package com.example.testleader.election;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The election's own thread. Every step and every change of the election's state runs on
 * it, one at a time, so that state needs no locks. A step that throws is logged and the
 * loop goes on; each finished step counts as progress, which the liveness check reads.
 * <p>
 * Internal: for the election's own packages.
 */
public final class ElectionLoop {

	private static final Logger log = LoggerFactory.getLogger(ElectionLoop.class);

	/** How long {@link #stop()} waits for the step in flight once interrupted. */
	public static final Duration STOP_WAIT = Duration.ofSeconds(1);

	private final String lease;

	private final Ticker ticker;

	private volatile ScheduledThreadPoolExecutor executor;

	private volatile long lastProgressNanos;

	private final Set<Runnable> unanswered = ConcurrentHashMap.newKeySet();

	private ScheduledFuture<?> next;

	ElectionLoop(String lease, Ticker ticker) {
		this.lease = lease;
		this.ticker = ticker;
	}

	void start() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("lease-elector-");
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor started = new ScheduledThreadPoolExecutor(1, threads);
		started.setRemoveOnCancelPolicy(true);
		this.lastProgressNanos = this.ticker.nanoTime();
		this.executor = started;
	}

	/**
	 * Stops the loop: no further step runs, a step in flight is interrupted (its API call
	 * ends at once) and waited for, briefly, so that whoever stops the loop sees the state
	 * its last step left.
	 */
	void stop() {
		ScheduledThreadPoolExecutor current = this.executor;
		if (current != null) {
			current.shutdownNow();
			try {
				current.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		List.copyOf(this.unanswered).forEach(Runnable::run);
	}

	/** Runs {@code action} on the loop; {@code false} if the loop is not running. */
	boolean execute(Runnable action) {
		ScheduledThreadPoolExecutor current = this.executor;
		if (current == null) {
			return false;
		}
		try {
			current.execute(() -> run(action));
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * Runs {@code action} on the loop and answers with its result; with
	 * {@code ifNotRun} if the loop is not running, or stops before the action's turn, so
	 * that no caller waits for an answer that will never come.
	 */
	<T> CompletableFuture<T> call(Supplier<T> action, T ifNotRun) {
		CompletableFuture<T> done = new CompletableFuture<>();
		Runnable abandon = () -> done.complete(ifNotRun);
		this.unanswered.add(abandon);
		done.whenComplete((result, failure) -> this.unanswered.remove(abandon));
		boolean queued = execute(() -> {
			try {
				done.complete(action.get());
			}
			catch (RuntimeException ex) {
				done.completeExceptionally(ex);
				throw ex;
			}
		});
		if (!queued) {
			abandon.run();
		}
		return done;
	}

	/** Runs {@code step} after {@code delayNanos}, instead of the step scheduled before. On the loop only. */
	void schedule(Runnable step, long delayNanos) {
		cancel();
		try {
			this.next = this.executor.schedule(() -> run(step), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	/** Cancels the scheduled step. On the loop only. */
	void cancel() {
		if (this.next != null) {
			this.next.cancel(false);
			this.next = null;
		}
	}

	/** Counts as progress from now: a step is due. */
	void progressed() {
		this.lastProgressNanos = this.ticker.nanoTime();
	}

	Duration sinceProgress() {
		return Duration.ofNanos(this.ticker.nanoTime() - this.lastProgressNanos);
	}

	private void run(Runnable action) {
		try {
			action.run();
		}
		catch (Throwable ex) {
			log.error("Election step for Lease {} failed unexpectedly", this.lease, ex);
		}
		finally {
			progressed();
		}
	}

}
