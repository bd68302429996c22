package com.example.testleader.election;

import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;

import com.example.testleader.k3s.K3sCluster;

import static org.awaitility.Awaitility.await;

/**
 * {@link LeaseElectionScenarios} against a real API server (k3s in Docker): its
 * validation, optimistic concurrency and timing, instead of the in-process one's.
 */
@EnabledIf(value = "com.example.testleader.k3s.K3sCluster#dockerAvailable", disabledReason = K3sCluster.SKIP_REASON)
class LeaseElectionK3sIT extends LeaseElectionScenarios {

	private static Config config;

	private static KubernetesClient admin;

	@BeforeAll
	static void connect() {
		config = K3sCluster.config();
		admin = K3sCluster.adminClient();
	}

	@AfterAll
	static void disconnect() {
		admin.close();
	}

	@Override
	protected Config api() {
		return config;
	}

	@Override
	protected KubernetesClient admin() {
		return admin;
	}

	/** Each scenario starts without a Lease. */
	@Override
	protected void afterScenario() {
		admin.leases().inNamespace("default").withName("test-lease").delete();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> admin.leases().inNamespace("default").withName("test-lease").get() == null);
	}

}
