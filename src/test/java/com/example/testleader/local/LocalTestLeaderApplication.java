package com.example.testleader.local;

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
 */
public final class LocalTestLeaderApplication {

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
		new SpringApplicationBuilder(TestLeaderApplication.class)
			.properties("spring.main.cloud-platform=kubernetes", "spring.cloud.kubernetes.client.master-url=" + api.url(),
					"spring.cloud.kubernetes.client.namespace=default")
			.run(args);
	}

}
