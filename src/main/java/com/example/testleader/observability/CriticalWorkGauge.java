package com.example.testleader.observability;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import com.example.testleader.task.CriticalWorkMonitor;
import com.example.testleader.task.CriticalWorkStatus;

import org.springframework.stereotype.Component;

/**
 * {@code critical_task_last_success_age_seconds{role}}: on the leader of the role, time
 * since its critical work last succeeded (since the grant if it has not yet); NaN on a
 * replica that does not lead it, so that an alert on it fires for the leader only. And
 * {@code critical_task_period_seconds{role}}, the time between two runs, which the
 * overdue alert compares it with. Read from the schedulers at scrape time.
 */
@Component
class CriticalWorkGauge implements MeterBinder {

	private final CriticalWorkMonitor work;

	CriticalWorkGauge(CriticalWorkMonitor work) {
		this.work = work;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String role : this.work.roles()) {
			TimeGauge
				.builder("critical.task.last.success.age", this.work, TimeUnit.MILLISECONDS,
						(work) -> ageMillis(work.status(role)))
				.description("On the leader, time since the critical work last succeeded (since the grant before the "
						+ "first success)")
				.tag("role", role)
				.register(registry);
			TimeGauge.builder("critical.task.period", this.work, TimeUnit.MILLISECONDS,
					(work) -> work.period(role).toMillis())
				.description("Time between two runs of the critical work")
				.tag("role", role)
				.register(registry);
		}
	}

	private static double ageMillis(CriticalWorkStatus status) {
		return status.leading() ? status.sinceLastSuccess().toMillis() : Double.NaN;
	}

}
