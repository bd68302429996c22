package com.example.testleader.observability;

import java.time.Duration;

import com.example.testleader.task.CriticalTaskProperties;
import com.example.testleader.task.CriticalWorkMonitor;
import com.example.testleader.task.CriticalWorkStatus;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * The {@code criticalWork} health component: whether the leader gets its work done. UP on
 * a follower ({@code leading: false}); on the leader UP with {@code lastSuccess} and
 * {@code sinceLastSuccess}, and DOWN ({@code overdue: true}) once no run has succeeded
 * for more than three task periods, counted from the grant until the first success. Reads
 * what the scheduler already holds; never calls the API server.
 *
 * <p>
 * It is deliberately kept out of the liveness group: a restart does not fix a failing
 * downstream system. It only turns a leader whose work fails into a leaderless gap (up to
 * a lease duration, 15 s by default, when the Lease cannot be released on the way down)
 * and hands the same failure to the next leader, to be restarted in turn. It shows in
 * {@code /actuator/health}, and the {@code TestLeaderCriticalWorkOverdue} alert watches
 * the same age through {@code critical_task_last_success_age_seconds}.
 */
@Component
class CriticalWorkHealthIndicator extends AbstractHealthIndicator {

	private final CriticalWorkMonitor work;

	private final Duration overdueAfter;

	CriticalWorkHealthIndicator(CriticalWorkMonitor work, CriticalTaskProperties task) {
		super("Critical work health check failed");
		this.work = work;
		this.overdueAfter = task.period().multipliedBy(3);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		CriticalWorkStatus status = this.work.status(work.roles().get(0));
		if (!status.leading()) {
			builder.up().withDetail("leading", false);
			return;
		}
		if (status.sinceLastSuccess().compareTo(this.overdueAfter) > 0) {
			builder.down().withDetail("overdue", true);
		}
		else {
			builder.up();
		}
		builder.withDetail("leading", true).withDetail("fencingToken", status.fencingToken());
		if (status.lastSuccess() != null) {
			builder.withDetail("lastSuccess", status.lastSuccess());
		}
		builder.withDetail("sinceLastSuccess", status.sinceLastSuccess().toString());
	}

}
