package com.example.testleader.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import com.example.testleader.TestLeaderApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.SimpleCommandLinePropertySource;

/**
 * The local mode, run by {@code ./mvnw spring-boot:test-run}: starts fabric8's in-process
 * Kubernetes API on {@code 127.0.0.1:6443} and the service against it, pointed at it the
 * same way a replica outside a cluster is ({@code spring.main.cloud-platform=kubernetes}
 * and the API's address). It lives in the test sources, so the production jar carries no
 * embedded API.
 * <ul>
 * <li>{@code --local.api.port=N} serves the API on another port.</li>
 * <li>{@code --local.api-only} serves only the API, for replicas started from the jar
 * (see the README).</li>
 * </ul>
 * The replica runs in a Pod object a {@link KubeletStandIn} wrote ({@code POD_NAME} and
 * {@code POD_UID} are set for it), so its terms name their pod as in a cluster.
 */
public final class LocalTestLeaderApplication {

	private static final String LOCAL_POD = "test-leader-local";

	private LocalTestLeaderApplication() {
	}

	public static void main(String[] args) throws InterruptedException {
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
		// the replica runs "in a pod" the kubelet stand-in keeps, so that it names its pod in
		// the Lease as it would in a cluster
		KubeletStandIn kubelet = new KubeletStandIn(api.client(), "default", Duration.ofSeconds(1));
		String uid = kubelet.podStarted(LOCAL_POD);
		new SpringApplicationBuilder(TestLeaderApplication.class)
			.properties("spring.main.cloud-platform=kubernetes", "spring.cloud.kubernetes.client.master-url=" + api.url(),
					"spring.cloud.kubernetes.client.namespace=default", "POD_NAME=" + LOCAL_POD, "POD_UID=" + uid,
					// no cluster to review tokens: operator endpoints open on loopback only
					"test-leader.operator.auth=loopback")
			.run(args);
	}

}
