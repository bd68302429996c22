package com.example.testleader.observability;

import java.time.Duration;
import java.util.List;

import com.example.testleader.task.CriticalWorkMonitor;
import com.example.testleader.task.CriticalWorkStatus;

/** Critical work in a fixed state, for indicators tested without a scheduler. */
final class Monitors {

	private Monitors() {
	}

	/** The default role's work, always in {@code status}, run every five seconds. */
	static CriticalWorkMonitor of(CriticalWorkStatus status) {
		return of(status, Duration.ofSeconds(5));
	}

	/** The default role's work, always in {@code status}, run every {@code period}. */
	static CriticalWorkMonitor of(CriticalWorkStatus status, Duration period) {
		return new CriticalWorkMonitor() {

			@Override
			public List<String> roles() {
				return List.of("test-lease");
			}

			@Override
			public CriticalWorkStatus status(String role) {
				return status;
			}

			@Override
			public Duration period(String role) {
				return period;
			}

		};
	}

}
