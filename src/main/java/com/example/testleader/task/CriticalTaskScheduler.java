package com.example.testleader.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaseContext;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.Ticker;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs one role's {@link CriticalWork} at a fixed rate while this replica leads that
 * role: started by {@link OnGrantedEvent}, stopped by {@link OnRevokedEvent}, which
 * {@link CriticalTasks} hands to the scheduler of the event's role.
 *
 * <p>
 * The revocation returns only once no run is in flight: a run gets the stop timeout to
 * finish and is then interrupted (see {@link TermRun}); if it still does not end, the
 * revocation fails, and the elector will not release the Lease early. Such a run is not
 * forgotten: until it ends, no later term's work starts beside it and every revocation
 * fails, naming its fencing token.
 *
 * <p>
 * Independently of the events, every run first checks {@link LeaseContext#isLeader()}
 * and is skipped once the term has ended, and a timer stops the schedule at the term's
 * own deadline ({@link LeaseContext#remaining()}) exactly as a revocation would; a later
 * revocation then only waits for that stop to be over. So a late or lost revocation
 * cannot keep the work going: no run starts after the deadline, and one in flight is
 * interrupted at the deadline plus the stop timeout, before another replica may take the
 * Lease. A process frozen past that moment interrupts the run as soon as it wakes, not a
 * stop timeout later ({@link TermRun}); another replica may have started the work
 * meanwhile, which only a fencing token checked downstream can make harmless. Grant and
 * revocation may arrive on different threads and in either order: a grant starts the work
 * only if its term is still valid, checked under the same lock that registers the run, so
 * a revocation processed first leaves nothing running.
 *
 * <p>
 * It is over 250 lines because grant, revocation, the deadline timer and the runs that
 * ignore their interruption all act on one registry of runs under one lock, which is what
 * makes their orders safe; what a run is and how it is stopped is apart ({@link TermRun},
 * {@link StoppingRuns}).
 */
final class CriticalTaskScheduler {

	private static final Logger log = LoggerFactory.getLogger(CriticalTaskScheduler.class);

	private final CriticalWorkRunner runner;

	private final String role;

	private final CriticalTaskProperties.Schedule schedule;

	private final Duration interruptGrace;

	private final ScheduledThreadPoolExecutor timers;

	private final StoppingRuns stopping = new StoppingRuns();

	private final Object lock = new Object();

	// Guarded by the lock; a run leaves it only to be stopped.
	private TermRun current;

	/** What the elector of this role believes, or {@code null} if there is none. */
	private final Supplier<Leadership> elector;

	private final Ticker ticker;

	/** @param ticker the monotonic clock of the election, which the terms' deadlines are on */
	CriticalTaskScheduler(String role, List<CriticalWork> work, CriticalTaskProperties.Schedule schedule,
			LeaderElectionProperties election, MeterRegistry meters, Supplier<Leadership> elector, Ticker ticker) {
		this.elector = elector;
		this.ticker = ticker;
		Duration margin = election.stopMargin();
		if (schedule.stopTimeout().compareTo(margin) >= 0) {
			throw new IllegalArgumentException(schedule.stopTimeoutProperty() + " (" + schedule.stopTimeout()
					+ ") must be shorter than test-leader.election.lease-duration minus renew-deadline (" + margin
					+ "): a revoked run must have stopped before another replica may take the Lease");
		}
		this.role = role;
		this.runner = new CriticalWorkRunner(role, work, meters);
		this.schedule = schedule;
		this.interruptGrace = margin.minus(schedule.stopTimeout()).dividedBy(2);
		CustomizableThreadFactory threads = new CustomizableThreadFactory("critical-task-deadlines-" + role + "-");
		threads.setDaemon(true);
		this.timers = new ScheduledThreadPoolExecutor(1, threads);
		this.timers.setRemoveOnCancelPolicy(true);
	}

	String role() {
		return this.role;
	}

	Duration period() {
		return this.schedule.period();
	}

	void onGranted(OnGrantedEvent event) {
		if (event.getContext() instanceof LeaseContext context) {
			start(context);
		}
	}

	void onRevoked(OnRevokedEvent event) {
		stop(event.getContext());
	}

	private void start(LeaseContext context) {
		while (true) {
			synchronized (this.lock) {
				if (this.current != null && this.current.context() == context) {
					return; // granted twice
				}
				if (this.current != null) {
					// a newer term means the older one has ended, revoked or not
					retire(this.current);
				}
				else if (this.stopping.noneStopping()) {
					begin(context);
					return;
				}
			}
			awaitEndedRuns();
		}
	}

	/** Under the lock, once every run of an ended term has stopped or ignored its interruption. */
	private void begin(LeaseContext context) {
		if (!context.isLeader()) {
			// The elector ends a term before it publishes the revocation, which may already
			// have been processed on another thread: a run started now would never be stopped.
			log.info("Not starting the critical work: leadership (fencingToken={}) ended before its grant was "
					+ "processed", context.fencingToken());
			return;
		}
		TermRun run = new TermRun(context, this.schedule.stopTimeout(), this.interruptGrace, this.timers,
				this.ticker, this.stopping::ended);
		this.current = run;
		List<Long> ignoring = this.stopping.ignoringInterruption();
		if (!ignoring.isEmpty()) {
			// Two terms' work must never overlap. This term keeps the Lease, so no other
			// replica starts the work beside that run either, while the leader health
			// component, DOWN, has the kubelet restart the process: the only way to end it.
			log.error("Not starting the critical work for fencingToken={}: the work of fencingToken={} ignored "
					+ "its interruption and still runs", context.fencingToken(), ignoring);
		}
		else {
			log.info("leading: identity={} fencingToken={} period={} role={}", context.term().identity(),
					context.fencingToken(), this.schedule.period(), this.role);
			run.schedule(() -> this.runner.runOnce(run), this.schedule.period());
		}
		watchDeadline(run, context.remaining());
	}

	/**
	 * Stops the run at the term's own deadline, whether or not a revocation ever comes: a
	 * run in flight is interrupted at the deadline plus the stop timeout, before another
	 * replica may take the Lease. A renewal moves the deadline, so it is checked again.
	 */
	private void watchDeadline(TermRun run, Duration after) {
		try {
			run.watchedBy(this.timers.schedule(() -> deadlineReached(run), after.toNanos(), TimeUnit.NANOSECONDS));
		}
		catch (RejectedExecutionException ex) {
			// shutting down: shutDown() stops every run
		}
	}

	private void deadlineReached(TermRun run) {
		synchronized (this.lock) {
			if (this.current != run) {
				return;
			}
			Duration left = run.context().remaining();
			if (!left.isZero()) {
				watchDeadline(run, left);
				return;
			}
			log.info("Leadership (fencingToken={}) lapsed; stopping the critical work without waiting for the "
					+ "revocation", run.fencingToken());
			retire(run);
		}
	}

	private void stop(Context context) {
		synchronized (this.lock) {
			if (this.current != null && this.current.context() == context) {
				retire(this.current);
			}
		}
		awaitEndedRuns();
		List<Long> ignoring = this.stopping.ignoringInterruption();
		if (!ignoring.isEmpty()) {
			throw new IllegalStateException("The critical work of fencingToken=" + ignoring
					+ " ignored its interruption and still runs; the Lease must not be released before it ends");
		}
	}

	/** Under the lock. */
	private void retire(TermRun run) {
		if (this.current == run) {
			this.current = null;
		}
		this.stopping.stop(run);
	}

	/** Waits until every run of an ended term has stopped or has ignored its interruption. */
	private void awaitEndedRuns() {
		try {
			this.stopping.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the critical work to stop", ex);
		}
	}

	/**
	 * What the work did in this replica's term. The elector decides whether there is a
	 * term: one whose grant this scheduler has not (yet) seen, delayed behind a slow
	 * listener or lost, counts from its acquisition, so that a leader without work shows
	 * as overdue rather than as a follower.
	 */
	CriticalWorkStatus status() {
		TermRun run;
		synchronized (this.lock) {
			run = this.current;
		}
		List<Long> ignoring = this.stopping.ignoringInterruption();
		if (run != null && run.context().isLeader()) {
			return new CriticalWorkStatus(true, run.fencingToken(), run.lastSuccess(), run.sinceLastSuccess(),
					ignoring);
		}
		Leadership leadership = this.elector.get();
		if (leadership == null || !leadership.leader()) {
			return CriticalWorkStatus.notLeading(ignoring);
		}
		Duration since = (leadership.acquireTime() != null)
				? Duration.between(leadership.acquireTime().toInstant(), Instant.now()) : Duration.ZERO;
		return new CriticalWorkStatus(true, leadership.fencingToken(), null, since, ignoring);
	}

	/**
	 * Asked by the elector before it releases the Lease, whatever became of the revocation
	 * on its way here (an error handler on the event multicaster may have swallowed this
	 * scheduler's refusal).
	 */
	Optional<String> stillRunning() {
		List<Long> alive = this.stopping.alive();
		return alive.isEmpty() ? Optional.empty()
				: Optional.of("the critical work of fencingToken=" + alive + " still runs");
	}

	/** Safety net for a context closed without a revocation. */
	void shutDown() {
		TermRun run;
		synchronized (this.lock) {
			run = this.current;
			this.current = null;
		}
		if (run != null) {
			run.kill();
		}
		this.stopping.killAll();
		this.timers.shutdownNow();
	}

}
