package com.example.testleader.observability;

import java.util.List;

import com.example.testleader.task.CriticalWorkMonitor;
import com.example.testleader.task.CriticalWorkStatus;

/** Critical work in a fixed state, for indicators tested without a scheduler. */
final class Monitors {

	private Monitors() {
	}

	/** The default role's work, always in {@code status}. */
	static CriticalWorkMonitor of(CriticalWorkStatus status) {
		return new CriticalWorkMonitor() {

			@Override
			public List<String> roles() {
				return List.of("test-lease");
			}

			@Override
			public CriticalWorkStatus status(String role) {
				return status;
			}

		};
	}

}
