package com.example.testleader.observability;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import com.example.testleader.task.CriticalWorkMonitor;
import com.example.testleader.task.CriticalWorkStatus;

import org.springframework.stereotype.Component;

/**
 * {@code critical_task_last_success_age_seconds}: on the leader, time since the critical
 * work last succeeded (since the grant if it has not yet); NaN on a replica that does not
 * lead, so that an alert on it fires for the leader only. Read from the scheduler at
 * scrape time.
 */
@Component
class CriticalWorkGauge implements MeterBinder {

	private final CriticalWorkMonitor work;

	CriticalWorkGauge(CriticalWorkMonitor work) {
		this.work = work;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		TimeGauge.builder("critical.task.last.success.age", this.work, TimeUnit.MILLISECONDS, this::ageMillis)
			.description("On the leader, time since the critical work last succeeded (since the grant before the "
					+ "first success)")
			.register(registry);
	}

	private double ageMillis(CriticalWorkMonitor work) {
		CriticalWorkStatus status = work.status(work.roles().get(0));
		return status.leading() ? status.sinceLastSuccess().toMillis() : Double.NaN;
	}

}
