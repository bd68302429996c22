package com.example.testleader.task;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the critical work is scheduled while this replica leads.
 *
 * @param period time between the starts of two runs
 * @param stopTimeout how long a run in flight may finish after leadership is revoked
 * before it is interrupted; must be shorter than lease-duration minus renew-deadline
 */
@ConfigurationProperties("test-leader.task")
public record CriticalTaskProperties(@DefaultValue("5s") Duration period, @DefaultValue("3s") Duration stopTimeout) {

	public CriticalTaskProperties {
		requirePositive("period", period);
		requirePositive("stop-timeout", stopTimeout);
	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("test-leader.task." + property + " must be positive (was '" + value + "')");
		}
	}

}
