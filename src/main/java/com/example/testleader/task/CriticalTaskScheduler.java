package com.example.testleader.task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
 * finish and is then interrupted; if it still does not end, the revocation fails, and the
 * elector will not release the Lease early. Independently of the events, every run first
 * checks {@link LeaseContext#isLeader()}, so a late or lost revocation cannot keep the
 * work going past the renew deadline.
 */
@Component
class CriticalTaskScheduler {

	private static final Logger log = LoggerFactory.getLogger(CriticalTaskScheduler.class);

	private final List<CriticalWork> work;

	private final CriticalTaskProperties properties;

	private final Duration interruptGrace;

	private final MeterRegistry meters;

	private final Object lock = new Object();

	private Run current;

	CriticalTaskScheduler(ObjectProvider<CriticalWork> work, CriticalTaskProperties properties,
			LeaderElectionProperties election, MeterRegistry meters) {
		Duration margin = election.stopMargin();
		if (properties.stopTimeout().compareTo(margin) >= 0) {
			throw new IllegalArgumentException("test-leader.task.stop-timeout (" + properties.stopTimeout()
					+ ") must be shorter than test-leader.election.lease-duration minus renew-deadline (" + margin
					+ "): a revoked run must have stopped before another replica may take the Lease");
		}
		this.work = work.orderedStream().toList();
		this.properties = properties;
		this.interruptGrace = margin.minus(properties.stopTimeout()).dividedBy(2);
		this.meters = meters;
		for (String outcome : new String[] { "success", "failure", "skipped" }) {
			runs(outcome);
		}
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
		Run previous;
		synchronized (this.lock) {
			previous = this.current;
			this.current = null;
		}
		if (previous != null) {
			awaitStopped(previous);
		}
		synchronized (this.lock) {
			Run run = new Run(context, Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "critical-task-" + context.fencingToken());
				thread.setDaemon(true);
				return thread;
			}), new AtomicBoolean());
			this.current = run;
			log.info("leading: identity={} fencingToken={} period={}", context.term().identity(),
					context.fencingToken(), this.properties.period());
			run.executor().scheduleAtFixedRate(() -> runOnce(run), 0, this.properties.period().toNanos(),
					TimeUnit.NANOSECONDS);
		}
	}

	private void stop(Context context) {
		Run run;
		synchronized (this.lock) {
			if (this.current == null || this.current.context() != context) {
				return;
			}
			run = this.current;
			this.current = null;
		}
		awaitStopped(run);
	}

	private void runOnce(Run run) {
		for (CriticalWork each : this.work) {
			if (!run.context().isLeader()) {
				// Skip, but leave the schedule to whoever stops it, so that a stop waits for
				// it to end like for any other run; isLeader() never turns true again.
				if (run.skipLogged().compareAndSet(false, true)) {
					log.info("Skipping the critical work: leadership (fencingToken={}) has ended",
							run.context().fencingToken());
				}
				runs("skipped").increment();
				return;
			}
			Timer.Sample sample = Timer.start(this.meters);
			// a failure unless the work returns: whatever it throws is counted as one
			String outcome = "failure";
			try {
				each.run(run.context().term());
				outcome = "success";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception | Error ex) {
				// An Error escaping to the executor would cancel the fixed-rate schedule
				// silently, for the rest of the term: log it, count it, and go on.
				log.error("Critical work {} failed", each, ex);
			}
			finally {
				sample.stop(this.meters.timer("critical.task.duration"));
				runs(outcome).increment();
			}
		}
	}

	/** {@code critical_task_runs_total{outcome}}: success, failure, or skipped (no longer leading). */
	private Counter runs(String outcome) {
		return Counter.builder("critical.task.runs")
			.description("Runs of the critical work, by outcome")
			.tag("outcome", outcome)
			.register(this.meters);
	}

	private void awaitStopped(Run run) {
		ScheduledExecutorService executor = run.executor();
		executor.shutdown();
		try {
			if (!executor.awaitTermination(this.properties.stopTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
				log.warn("The critical work still runs {} after revocation; interrupting it",
						this.properties.stopTimeout());
				executor.shutdownNow();
				if (!executor.awaitTermination(this.interruptGrace.toNanos(), TimeUnit.NANOSECONDS)) {
					throw new IllegalStateException("The critical work ignored its interruption and still runs");
				}
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the critical work to stop", ex);
		}
		log.info("stopped leading: identity={} fencingToken={}", run.context().term().identity(),
				run.context().fencingToken());
	}

	/** Safety net for a context closed without a revocation. */
	@PreDestroy
	void shutDown() {
		synchronized (this.lock) {
			if (this.current != null) {
				this.current.executor().shutdownNow();
				this.current = null;
			}
		}
	}

	private record Run(LeaseContext context, ScheduledExecutorService executor, AtomicBoolean skipLogged) {
	}

}
