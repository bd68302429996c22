package com.example.testleader.task;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.LeaseContext;
import com.example.testleader.election.Ticker;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The schedule of the critical work for one term, from its grant until its thread has
 * ended, and how it is stopped.
 *
 * <p>
 * Stopping follows one timeline, however many threads ask and whichever asks first (a
 * revocation, the next grant, the term's own deadline): the schedule is shut down at
 * once, so a run in flight may finish; the run is interrupted once the stop timeout has
 * passed <em>since the term lapsed</em>, or at once if that moment has already gone by,
 * even if nobody waits for it; if it is still alive after the interrupt grace as well, it
 * is <em>ignoring its interruption</em>. Nothing inside the process can end such a run,
 * so it stays referenced here until its thread returns, and
 * {@link #ignoresInterruption()} says so for as long as it lasts.
 *
 * <p>
 * Counting from the lapse, not from when the stop began, is what holds a run to the
 * term's own clock when the stop begins late: a process frozen (GC, SIGSTOP, a paused
 * VM) past its deadline wakes to a deadline timer and a revocation that are both overdue,
 * and its run, which another replica's work may already overlap, is interrupted on
 * waking rather than a fresh stop timeout later. What the run does between waking and
 * the interruption reaching it is up to the work: it should check
 * {@code LeaderTerm#isValid()} before each side effect.
 */
final class TermRun {

	private static final Logger log = LoggerFactory.getLogger(TermRun.class);

	private final LeaseContext context;

	private final Duration stopTimeout;

	private final Duration interruptGrace;

	private final ScheduledExecutorService timers;

	private final ScheduledThreadPoolExecutor executor;

	private final Ticker ticker;

	private final long grantedAtNanos;

	private volatile Success lastSuccess;

	private final AtomicBoolean skipLogged = new AtomicBoolean();

	private final AtomicBoolean interrupted = new AtomicBoolean();

	// When the run is (or was) due to be interrupted: fixed once, when the stop begins.
	private final AtomicReference<Long> interruptAtNanos = new AtomicReference<>();

	private volatile ScheduledFuture<?> deadline;

	/**
	 * @param timers where the interruption is scheduled; never blocked by a run
	 * @param ticker the monotonic clock the stop timeline is measured on: the election's
	 * @param terminated told once the run's thread has ended (on that thread, or on the
	 * thread that stops a run that never started)
	 */
	TermRun(LeaseContext context, Duration stopTimeout, Duration interruptGrace, ScheduledExecutorService timers,
			Ticker ticker, Consumer<TermRun> terminated) {
		this.context = context;
		this.ticker = ticker;
		this.grantedAtNanos = ticker.nanoTime();
		this.stopTimeout = stopTimeout;
		this.interruptGrace = interruptGrace;
		this.timers = timers;
		CustomizableThreadFactory threads = new CustomizableThreadFactory(
				"critical-task-" + context.fencingToken() + "-");
		threads.setDaemon(true);
		this.executor = new ScheduledThreadPoolExecutor(1, threads) {

			@Override
			protected void terminated() {
				super.terminated();
				TermRun.this.ended();
				terminated.accept(TermRun.this);
			}

		};
	}

	LeaseContext context() {
		return this.context;
	}

	long fencingToken() {
		return this.context.fencingToken();
	}

	void schedule(Runnable once, Duration period) {
		this.executor.scheduleAtFixedRate(once, 0, period.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** The timer that watches the term's deadline; cancelled once the run stops. */
	void watchedBy(ScheduledFuture<?> deadline) {
		this.deadline = deadline;
	}

	/** Every {@link CriticalWork} has just completed a run without failure. */
	void succeeded() {
		this.lastSuccess = new Success(Instant.now(), this.ticker.nanoTime());
	}

	/** When the work last succeeded in this term; {@code null} before the first success. */
	Instant lastSuccess() {
		Success success = this.lastSuccess;
		return (success != null) ? success.at() : null;
	}

	/** Time since the work last succeeded, or since the grant if it has not yet. */
	Duration sinceLastSuccess() {
		Success success = this.lastSuccess;
		return Duration.ofNanos(this.ticker.nanoTime() - ((success != null) ? success.nanos() : this.grantedAtNanos));
	}

	/** {@code true} the first time only: the skipped runs of one term are logged once. */
	boolean firstSkip() {
		return this.skipLogged.compareAndSet(false, true);
	}

	/**
	 * Fixes the stop timeline: the interruption is due at the term's lapse plus the stop
	 * timeout, or now if that has passed; a term that has not lapsed (a revocation
	 * delivered while it was still valid) counts from now.
	 * @return {@code false} if it had started already
	 */
	boolean markStopping() {
		long now = this.ticker.nanoTime();
		long lapse = this.context.sinceLapse().map((since) -> now - since.toNanos()).orElse(now);
		long due = lapse + this.stopTimeout.toNanos();
		return this.interruptAtNanos.compareAndSet(null, (due - now > 0) ? due : now);
	}

	/**
	 * Shuts the schedule down (a run in flight may finish) and schedules its interruption;
	 * once, after {@link #markStopping()}. Never blocks.
	 */
	void shutDown() {
		ScheduledFuture<?> watch = this.deadline;
		if (watch != null) {
			watch.cancel(false);
		}
		this.executor.shutdown();
		long untilInterrupt = this.interruptAtNanos.get() - this.ticker.nanoTime();
		try {
			this.timers.schedule(this::interrupt, untilInterrupt, TimeUnit.NANOSECONDS);
			this.timers.schedule(this::reportIfIgnoringInterruption, untilInterrupt + this.interruptGrace.toNanos(),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// shutting down: the scheduler interrupts every run itself
		}
	}

	/**
	 * Waits for the run to end, on the timeline {@link #markStopping()} fixed, interrupting
	 * it when due.
	 * @return {@code false} if it ignored its interruption and still runs
	 */
	boolean awaitStopped() throws InterruptedException {
		long interruptAt = this.interruptAtNanos.get();
		if (awaitTermination(interruptAt)) {
			return true;
		}
		interrupt();
		return awaitTermination(interruptAt + this.interruptGrace.toNanos());
	}

	/**
	 * Whether the run outlived its stop timeline and still runs: the interrupt grace
	 * counts from the interruption, so a run interrupted late (on waking from a freeze)
	 * still gets it.
	 */
	boolean ignoresInterruption() {
		Long interruptAt = this.interruptAtNanos.get();
		return interruptAt != null && !this.executor.isTerminated()
				&& this.ticker.nanoTime() - (interruptAt + this.interruptGrace.toNanos()) >= 0;
	}

	/** Interrupts a run in flight at once: the application is shutting down. */
	void kill() {
		this.interruptAtNanos.compareAndSet(null, this.ticker.nanoTime());
		this.executor.shutdownNow();
	}

	private boolean awaitTermination(long deadlineNanos) throws InterruptedException {
		long left;
		while ((left = deadlineNanos - this.ticker.nanoTime()) > 0) {
			if (this.executor.awaitTermination(left, TimeUnit.NANOSECONDS)) {
				return true;
			}
		}
		return this.executor.isTerminated();
	}

	private void interrupt() {
		if (!this.executor.isTerminated() && this.interrupted.compareAndSet(false, true)) {
			log.warn("The critical work (fencingToken={}) still runs {} after its term ended (stop timeout {}); "
					+ "interrupting it", fencingToken(),
					this.context.sinceLapse().map(Duration::toString).orElse("(not ended)"), this.stopTimeout);
			this.executor.shutdownNow();
		}
	}

	private void reportIfIgnoringInterruption() {
		if (!this.executor.isTerminated()) {
			log.error("The critical work (fencingToken={}) ignored its interruption and still runs. No other "
					+ "term's work starts and every revocation fails until it ends; only a restart of this "
					+ "process can end it", fencingToken());
		}
	}

	private void ended() {
		if (ignoresInterruption()) {
			log.warn("The critical work (fencingToken={}) that ignored its interruption has ended at last",
					fencingToken());
		}
		log.info("stopped leading: identity={} fencingToken={} role={}", this.context.term().identity(), fencingToken(),
				this.context.getRole());
	}

	/** Wall-clock time for display, monotonic time for the age. */
	private record Success(Instant at, long nanos) {
	}

}
