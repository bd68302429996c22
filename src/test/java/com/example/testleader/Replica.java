package com.example.testleader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.roles.Electors;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole application as one replica, in this JVM, pointed at an API server the standard
 * way, with shortened timings (lease 3 s, renew deadline 2 s, retry 0.5 s, a run every
 * 150 ms) and the critical work recorded in a {@link WorkLog}.
 */
public final class Replica implements AutoCloseable {

	/** Extra properties for a replica that serves HTTP, on random ports. */
	public static final String[] WEB = { "spring.main.web-application-type=servlet", "server.port=0",
			"management.server.port=0" };

	private final String name;

	private final ConfigurableApplicationContext context;

	private Replica(String name, ConfigurableApplicationContext context) {
		this.name = name;
		this.context = context;
	}

	public static Replica start(String podName, String apiUrl, WorkLog work, String... extraProperties) {
		return start(podName, apiUrl, work, (context) -> {
		}, extraProperties);
	}

	/** Starts a replica; {@code beans} may register more beans before the context refreshes. */
	public static Replica start(String podName, String apiUrl, WorkLog work,
			java.util.function.Consumer<ConfigurableApplicationContext> beans, String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of("spring.main.cloud-platform=kubernetes",
				"spring.cloud.kubernetes.client.master-url=" + apiUrl, "spring.cloud.kubernetes.client.namespace=default",
				"POD_NAME=" + podName, "POD_NAMESPACE=default", "test-leader.election.lease-duration=3s",
				"test-leader.election.renew-deadline=2s", "test-leader.election.retry-period=500ms",
				"test-leader.task.period=150ms", "test-leader.task.stop-timeout=500ms",
				"spring.main.web-application-type=none", "spring.main.banner-mode=off",
				// as on a developer's machine, also where the tests run in a pod
				"test-leader.operator.auth=loopback"));
		properties.addAll(List.of(extraProperties));
		Map<String, String> byKey = new LinkedHashMap<>();
		properties.forEach((property) -> byKey.put(property.substring(0, property.indexOf('=')), property));
		// as command-line arguments: they must win over application.yaml, as a user's would
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestLeaderApplication.class)
			.initializers((ConfigurableApplicationContext ctx) -> {
				ctx.getBeanFactory().registerSingleton("recordedWork", work.workOf(podName));
				beans.accept(ctx);
			})
			.run(byKey.values().stream().map((property) -> "--" + property).toArray(String[]::new));
		return new Replica(podName, context);
	}

	public String name() {
		return this.name;
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public LeaseElector elector() {
		return this.context.getBean(Electors.class).primary();
	}

	public boolean isRunning() {
		return this.context.isActive();
	}

	/** Base URL of the management server (started on a random port). */
	public String management() {
		return "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.management.port");
	}

	/** Base URL of the application server (started on a random port). */
	public String application() {
		return "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
	}

	@Override
	public void close() {
		this.context.close();
	}

}
