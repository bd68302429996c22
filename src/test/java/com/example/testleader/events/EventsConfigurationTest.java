package com.example.testleader.events;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderElectionProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class EventsConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, EventsConfiguration.class)
		.withBean(SimpleMeterRegistry.class);

	@Test
	void whenDisabledNoEventsAreRecorded() {
		this.runner.withPropertyValues("test-leader.events.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LeaseEventQueue.class)
				.doesNotHaveBean(ElectionObserver.class));
	}

	@Test
	void aQueueWithoutRoomStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("test-leader.events.queue-capacity=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("test-leader.events.queue-capacity must be at least 1 (was '0')"));
	}

	@Test
	void aTimeoutThatIsNotPositiveStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("test-leader.events.timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("test-leader.events.timeout must be positive (was 'PT0S')"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ EventsProperties.class, LeaderElectionProperties.class })
	static class Properties {

	}

}
