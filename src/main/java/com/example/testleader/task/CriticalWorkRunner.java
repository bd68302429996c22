package com.example.testleader.task;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of every {@link CriticalWork}, in order, each timed and counted.
 * <ul>
 * <li>{@code critical_task_runs_total{outcome,role}}: success, failure (anything thrown,
 * {@link Error}s included), or skipped (the term had ended).</li>
 * <li>{@code critical_task_duration_seconds{role}}: every run that was not skipped.</li>
 * </ul>
 * Nothing thrown by the work escapes: an exception reaching the executor would cancel the
 * fixed-rate schedule for the rest of the term, silently.
 */
final class CriticalWorkRunner {

	private static final Logger log = LoggerFactory.getLogger(CriticalWorkRunner.class);

	private final String role;

	private final List<CriticalWork> work;

	private final MeterRegistry meters;

	CriticalWorkRunner(String role, List<CriticalWork> work, MeterRegistry meters) {
		this.role = role;
		this.work = List.copyOf(work);
		this.meters = meters;
		for (String outcome : new String[] { "success", "failure", "skipped" }) {
			runs(outcome);
		}
	}

	/** A run succeeds if every {@link CriticalWork} completes without throwing. */
	void runOnce(TermRun run) {
		boolean succeeded = true;
		for (CriticalWork each : this.work) {
			if (!run.context().isLeader()) {
				// Skip, but leave the schedule to whoever stops it (a revocation, or the
				// term's deadline), so that stopping waits for it like for any other run.
				// isLeader() never turns true again.
				if (run.firstSkip()) {
					log.info("Skipping the critical work: leadership (fencingToken={}) has ended", run.fencingToken());
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
				log.error("Critical work {} failed", each, ex);
			}
			finally {
				sample.stop(Timer.builder("critical.task.duration")
					.description("How long each run of the critical work took")
					.tag("role", this.role)
					.register(this.meters));
				runs(outcome).increment();
			}
			succeeded &= outcome.equals("success");
		}
		if (succeeded) {
			run.succeeded();
		}
	}

	private Counter runs(String outcome) {
		return Counter.builder("critical.task.runs")
			.description("Runs of the critical work, by outcome")
			.tag("outcome", outcome)
			.tag("role", this.role)
			.register(this.meters);
	}

}
