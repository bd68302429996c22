package com.example.testleader.events;

import java.time.Clock;

import io.fabric8.kubernetes.client.Config;
import io.micrometer.core.instrument.MeterRegistry;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.roles.ElectedRoles;
import com.example.testleader.election.roles.Electors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Kubernetes Events on leadership changes, unless
 * {@code test-leader.events.enabled=false}. The recorder is an election observer; the
 * elector is built with its observers, so the recorder asks for the elector only once
 * it starts.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "test-leader.events.enabled", matchIfMissing = true)
class EventsConfiguration {

	@Bean
	LeaseEventQueue leaseEventQueue(EventsProperties properties, LeaderElectionProperties election,
			ObjectProvider<ElectedRoles> roles, ObjectProvider<Config> kubernetes, ObjectProvider<Electors> elector,
			MeterRegistry registry, Environment environment) {
		return new LeaseEventQueue(properties, kubernetes, elector,
				environment.getProperty("spring.application.name", "test-leader"),
				new EventOutcomes(registry, ElectedRoles.of(roles, election).names()));
	}

	@Bean
	LeaseEvents leaseEvents(LeaseEventQueue queue) {
		return new LeaseEvents(queue, Clock.systemUTC());
	}

}
