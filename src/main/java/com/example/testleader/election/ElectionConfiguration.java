package com.example.testleader.election;

import java.time.Clock;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;

/**
 * Wires the Lease election. The fabric8 client {@link Config} comes from Spring Cloud
 * Kubernetes, which provides it only when the application runs in Kubernetes (or
 * {@code spring.main.cloud-platform=kubernetes}); without it the application refuses to
 * start rather than elect itself against nothing. Nor does it start with a revocation
 * listener that could return before its work has stopped ({@link SynchronousRevocations}).
 */
@Configuration(proxyBeanMethods = false)
class ElectionConfiguration {

	@Bean
	LeaderEventPublisher leaderEventPublisher(ApplicationEventPublisher publisher) {
		return new DefaultLeaderEventPublisher(publisher);
	}

	@Bean
	SynchronousRevocations synchronousRevocations(ConfigurableListableBeanFactory beanFactory,
			ApplicationEventPublisher publisher) {
		return new SynchronousRevocations(beanFactory, publisher);
	}

	@Bean
	LeaseElector leaseElector(LeaderElectionProperties properties, ObjectProvider<Config> kubernetesConfig,
			Environment environment, LeaderEventPublisher leaderEvents, ApplicationEventPublisher applicationEvents,
			ObjectProvider<ElectionObserver> observers) {
		Config config = kubernetesConfig.getIfAvailable();
		if (config == null) {
			throw new NoKubernetesApiException();
		}
		PodIdentity pod = PodIdentity.resolve(properties, environment, config);
		LeaseApi api = new LeaseApi(electionClient(config, properties), pod.namespace(), properties.leaseName());
		return new LeaseElector(api, pod.holderIdentity(), properties,
				new LeaderEvents(leaderEvents, applicationEvents), ElectionObserver.all(observers.orderedStream().toList()),
				Clock.systemUTC(), Ticker.SYSTEM);
	}

	/**
	 * The election's own client, built from the shared configuration. It is closed after
	 * the release, not by Spring Cloud Kubernetes on {@code ContextClosedEvent} (which comes
	 * before the lifecycle stops, and is why its own initiator fails to release on
	 * SIGTERM). The client's own retries are off, and its timeouts match the longest call
	 * the elector waits for, so abandoned calls free their connection soon.
	 */
	static KubernetesClient electionClient(Config shared, LeaderElectionProperties properties) {
		int callMillis = Math.toIntExact(new Cadence(properties).callTimeout().toMillis());
		Config config = new ConfigBuilder(shared).withRequestRetryBackoffLimit(0)
			.withRequestTimeout(callMillis)
			.withConnectionTimeout(callMillis)
			.build();
		return new KubernetesClientBuilder().withConfig(config).build();
	}

}
