package com.example.testleader.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kubernetes Events on this replica's leadership changes ({@link LeaseEvents}).
 *
 * @param enabled whether to record them at all
 * @param queueCapacity how many Events may wait while one is being sent; beyond that they
 * are dropped (and counted), never waited for
 * @param timeout how long one request to the API server may take, and how long a shutdown
 * waits for the last Events (a graceful step-down's among them) to be sent
 */
@ConfigurationProperties("test-leader.events")
public record EventsProperties(@DefaultValue("true") boolean enabled, @DefaultValue("16") int queueCapacity,
		@DefaultValue("3s") Duration timeout) {

	private static final String PREFIX = "test-leader.events.";

	public EventsProperties {
		if (queueCapacity < 1) {
			throw new IllegalArgumentException(PREFIX + "queue-capacity must be at least 1 (was '" + queueCapacity + "')");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException(PREFIX + "timeout must be positive (was '" + timeout + "')");
		}
	}

}
