package com.example.testleader;

import java.util.ArrayList;
import java.util.List;

import com.example.testleader.election.LeaseElector;
import com.example.testleader.task.CriticalWork;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole application as one replica, in this JVM, pointed at an API server the standard
 * way, with shortened timings (lease 3 s, renew deadline 2 s, retry 0.5 s, a run every
 * 150 ms) and the critical work recorded in a {@link WorkLog}.
 */
final class Replica implements AutoCloseable {

	private final String name;

	private final ConfigurableApplicationContext context;

	private Replica(String name, ConfigurableApplicationContext context) {
		this.name = name;
		this.context = context;
	}

	static Replica start(String podName, String apiUrl, WorkLog work, String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of("spring.main.cloud-platform=kubernetes",
				"spring.cloud.kubernetes.client.master-url=" + apiUrl, "spring.cloud.kubernetes.client.namespace=default",
				"POD_NAME=" + podName, "POD_NAMESPACE=default", "test-leader.election.lease-duration=3s",
				"test-leader.election.renew-deadline=2s", "test-leader.election.retry-period=500ms",
				"test-leader.task.period=150ms", "test-leader.task.stop-timeout=500ms",
				"spring.main.web-application-type=none", "spring.main.banner-mode=off"));
		properties.addAll(List.of(extraProperties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestLeaderApplication.class)
			.properties(properties.toArray(String[]::new))
			.initializers((ConfigurableApplicationContext ctx) -> ctx.getBeanFactory()
				.registerSingleton("recordedWork", work.workOf(podName)))
			.run();
		return new Replica(podName, context);
	}

	String name() {
		return this.name;
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	LeaseElector elector() {
		return this.context.getBean(LeaseElector.class);
	}

	boolean isRunning() {
		return this.context.isActive();
	}

	@Override
	public void close() {
		this.context.close();
	}

	static CriticalWork none() {
		return (term) -> {
		};
	}

}
