package com.example.testleader.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.LeaderChanged;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaseContext;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link CriticalWork} at a fixed rate while this replica leads: started by
 * {@link OnGrantedEvent}, stopped by {@link OnRevokedEvent}.
 *
 * <p>
 * The revocation returns only once no run is in flight: a run gets the stop timeout to
 * finish and is then interrupted (see {@link TermRun}); if it still does not end, the
 * revocation fails, and the elector will not release the Lease early. Such a run is not
 * forgotten: until it ends, no later term's work starts beside it and every revocation
 * fails, naming its fencing token. Independently of the events, every run first checks
 * {@link LeaseContext#isLeader()}, so a late or lost revocation cannot keep the work
 * going past the renew deadline.
 */
@Component
class CriticalTaskScheduler {

	private static final Logger log = LoggerFactory.getLogger(CriticalTaskScheduler.class);

	private final CriticalWorkRunner runner;

	private final CriticalTaskProperties properties;

	private final Duration interruptGrace;

	private final ScheduledThreadPoolExecutor timers;

	private final Object lock = new Object();

	// Guarded by the lock: the current term's run, and the runs of ended terms whose
	// thread has not ended yet (removed by TermRun's termination, whenever that comes).
	private TermRun current;

	private final Set<TermRun> ended = new HashSet<>();

	CriticalTaskScheduler(ObjectProvider<CriticalWork> work, CriticalTaskProperties properties,
			LeaderElectionProperties election, MeterRegistry meters) {
		Duration margin = election.stopMargin();
		if (properties.stopTimeout().compareTo(margin) >= 0) {
			throw new IllegalArgumentException("test-leader.task.stop-timeout (" + properties.stopTimeout()
					+ ") must be shorter than test-leader.election.lease-duration minus renew-deadline (" + margin
					+ "): a revoked run must have stopped before another replica may take the Lease");
		}
		this.runner = new CriticalWorkRunner(work.orderedStream().toList(), meters);
		this.properties = properties;
		this.interruptGrace = margin.minus(properties.stopTimeout()).dividedBy(2);
		this.timers = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "critical-task-deadlines");
			thread.setDaemon(true);
			return thread;
		});
		this.timers.setRemoveOnCancelPolicy(true);
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onGranted(OnGrantedEvent event) {
		if (event.getContext() instanceof LeaseContext context) {
			start(context);
		}
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onRevoked(OnRevokedEvent event) {
		stop(event.getContext());
	}

	@EventListener
	void onLeaderChanged(LeaderChanged event) {
		log.info("new leader: {} fencingToken={} (seen by identity={})",
				(event.leader() != null) ? event.leader() : "none", event.fencingToken(), event.observer());
	}

	private void start(LeaseContext context) {
		while (true) {
			synchronized (this.lock) {
				if (this.current != null && this.current.context() == context) {
					return;
				}
				if (this.current != null) {
					// a newer term means the older one has ended, revoked or not
					retire(this.current);
				}
				else if (this.ended.stream().allMatch(TermRun::ignoresInterruption)) {
					begin(context);
					return;
				}
			}
			awaitEndedRuns();
		}
	}

	/** Under the lock, once every run of an ended term has stopped or ignored its interruption. */
	private void begin(LeaseContext context) {
		TermRun run = new TermRun(context, this.properties.stopTimeout(), this.interruptGrace, this.timers,
				this::terminated);
		this.current = run;
		List<Long> ignoring = ignoringInterruption();
		if (!ignoring.isEmpty()) {
			// Two terms' work must never overlap. This term keeps the Lease, so no other
			// replica starts the work beside that run either.
			log.error("Not starting the critical work for fencingToken={}: the work of fencingToken={} ignored "
					+ "its interruption and still runs", context.fencingToken(), ignoring);
			return;
		}
		log.info("leading: identity={} fencingToken={} period={}", context.term().identity(),
				context.fencingToken(), this.properties.period());
		run.schedule(() -> this.runner.runOnce(run), this.properties.period());
	}

	private void stop(Context context) {
		synchronized (this.lock) {
			if (this.current != null && this.current.context() == context) {
				retire(this.current);
			}
		}
		awaitEndedRuns();
		List<Long> ignoring;
		synchronized (this.lock) {
			ignoring = ignoringInterruption();
		}
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
		this.ended.add(run);
		run.beginStop();
	}

	/** Waits until every run of an ended term has stopped or has ignored its interruption. */
	private void awaitEndedRuns() {
		Set<TermRun> awaited = new HashSet<>();
		while (true) {
			List<TermRun> pending;
			synchronized (this.lock) {
				pending = this.ended.stream().filter((run) -> !awaited.contains(run)).toList();
			}
			if (pending.isEmpty()) {
				return;
			}
			for (TermRun run : pending) {
				try {
					run.awaitStopped();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while waiting for the critical work to stop", ex);
				}
				awaited.add(run);
			}
		}
	}

	/** Under the lock: fencing tokens of the ended terms whose run ignored its interruption. */
	private List<Long> ignoringInterruption() {
		return this.ended.stream().filter(TermRun::ignoresInterruption).map(TermRun::fencingToken).sorted().toList();
	}

	private void terminated(TermRun run) {
		synchronized (this.lock) {
			this.ended.remove(run);
		}
	}

	/** Safety net for a context closed without a revocation. */
	@PreDestroy
	void shutDown() {
		List<TermRun> all;
		synchronized (this.lock) {
			all = new ArrayList<>(this.ended);
			if (this.current != null) {
				all.add(this.current);
				this.current = null;
			}
		}
		all.forEach(TermRun::kill);
		this.timers.shutdownNow();
	}

}
