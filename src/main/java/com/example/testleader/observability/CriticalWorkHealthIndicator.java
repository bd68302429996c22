package com.example.testleader.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * what the schedulers already hold; never calls the API server. With several roles, each
 * role's work is under {@code roles}, and the component is DOWN if any is overdue.
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

	/** Runs that may be missed before the work is overdue. */
	static final int OVERDUE_PERIODS = 3;

	private final CriticalWorkMonitor work;

	CriticalWorkHealthIndicator(CriticalWorkMonitor work) {
		super("Critical work health check failed");
		this.work = work;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		Map<String, Map<String, Object>> roles = new LinkedHashMap<>();
		for (String role : this.work.roles()) {
			Map<String, Object> details = details(this.work.status(role),
					this.work.period(role).multipliedBy(OVERDUE_PERIODS));
			if (details.containsKey("overdue")) {
				builder.down();
			}
			roles.put(role, details);
		}
		if (roles.size() == 1) {
			builder.withDetails(roles.values().iterator().next());
		}
		else {
			builder.withDetail("roles", roles);
		}
	}

	private static Map<String, Object> details(CriticalWorkStatus status, Duration overdueAfter) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("leading", status.leading());
		if (!status.leading()) {
			return details;
		}
		if (status.sinceLastSuccess().compareTo(overdueAfter) > 0) {
			details.put("overdue", true);
		}
		details.put("fencingToken", status.fencingToken());
		if (status.lastSuccess() != null) {
			details.put("lastSuccess", status.lastSuccess());
		}
		details.put("sinceLastSuccess", status.sinceLastSuccess().toString());
		return details;
	}

}
