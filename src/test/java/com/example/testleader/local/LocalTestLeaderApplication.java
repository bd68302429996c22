package com.example.testleader.local;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.example.testleader.TestLeaderApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;

/**
 * The local mode, run by {@code ./mvnw spring-boot:test-run}: starts fabric8's in-process
 * Kubernetes API on {@code 127.0.0.1:6443} and the service against it, pointed at it the
 * same way a replica outside a cluster is ({@code spring.main.cloud-platform=kubernetes}
 * and the API's address). It lives in the test sources, so the production jar carries no
 * embedded API.
 * <ul>
 * <li>{@code --local.replicas=N} runs N replicas, each a process of its own, in pods the
 * kubelet stand-in keeps ({@link LocalReplicas}), instead of one in this JVM.</li>
 * <li>{@code --local.api.port=N} serves the API on another port.</li>
 * <li>{@code --local.api-only} serves only the API, for replicas started from the jar.</li>
 * </ul>
 * The demo work runs under several roles ({@link #ROLES}), so that several replicas have
 * roles to share; the replica or replicas run in Pod objects a {@link KubeletStandIn} wrote
 * ({@code POD_NAME} and {@code POD_UID} are set), so their terms name their pod as in a
 * cluster. Other arguments are the service's, passed on to every replica.
 */
public final class LocalTestLeaderApplication {

	/** The roles of the local mode: the seed's Lease and five more. */
	static final List<String> ROLES = List.of("test-lease", "billing", "reports", "mailer", "indexer", "cleanup");

	/**
	 * What the local mode sets below the command line: any of it can be overridden, e.g.
	 * {@code --test-leader.task.still-leading-roles=test-lease}. The production defaults
	 * ({@code application.yaml}) are left as they are.
	 */
	static final Map<String, Object> DEFAULTS = Map.of("test-leader.task.still-leading-roles", String.join(",", ROLES),
			// no cluster to review tokens: operator endpoints open on loopback only
			"test-leader.operator.auth", "loopback");

	private static final String LOCAL_POD = "test-leader-local";

	private LocalTestLeaderApplication() {
	}

	public static void main(String[] args) throws InterruptedException, IOException {
		SimpleCommandLinePropertySource commandLine = new SimpleCommandLinePropertySource(args);
		String port = commandLine.getProperty("local.api.port");
		LocalKubernetesApi api = LocalKubernetesApi
			.serve((port != null) ? Integer.parseInt(port) : LocalKubernetesApi.DEFAULT_PORT);
		System.out.println("In-process Kubernetes API listening on " + api.url());
		if (commandLine.containsProperty("local.api-only")) {
			CountDownLatch stopped = new CountDownLatch(1);
			Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
			stopped.await();
			return;
		}
		if (commandLine.containsProperty("local.replicas")) {
			LocalReplicas.run(api, replicas(commandLine.getProperty("local.replicas")),
					new ServiceCommand(api.url(), DEFAULTS, serviceArguments(args)));
			return;
		}
		// the replica runs "in a pod" the kubelet stand-in keeps, so that it names its pod in
		// the Lease as it would in a cluster
		KubeletStandIn kubelet = new KubeletStandIn(api.client(), "default", Duration.ofSeconds(1));
		String uid = kubelet.podStarted(LOCAL_POD);
		new SpringApplicationBuilder(TestLeaderApplication.class).properties(DEFAULTS)
			.properties("spring.main.cloud-platform=kubernetes", "spring.cloud.kubernetes.client.master-url=" + api.url(),
					"spring.cloud.kubernetes.client.namespace=default", "POD_NAME=" + LOCAL_POD, "POD_UID=" + uid)
			.initializers((ConfigurableApplicationContext context) -> context.getBeanFactory()
				.registerSingleton("testClassesExcluded", new TestClassesExcluded(ServiceCommand.testClasses())))
			.run(args);
	}

	static int replicas(String value) {
		int count;
		try {
			count = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			count = 0;
		}
		if (count < 1 || count > 9) {
			throw new IllegalArgumentException(
					"local.replicas must be a number from 1 to 9 (ports 8180/8181 to 8980/8981); was '" + value + "'");
		}
		return count;
	}

	/** The arguments meant for the service: all but the local mode's own. */
	static List<String> serviceArguments(String[] args) {
		return Arrays.stream(args).filter((arg) -> !arg.startsWith("--local.")).toList();
	}

}
