package com.example.testleader.election.wiring;

import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.local.LocalKubernetesApi;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ElectionConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, ElectionConfiguration.class, ReadinessGate.class);

	@Test
	void withoutAKubernetesApiStartUpFailsWithAnExplanation() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(NoKubernetesApiException.class);
			FailureAnalysis analysis = new NoKubernetesApiFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("no Kubernetes API server is configured");
			assertThat(analysis.getAction()).contains("spring.main.cloud-platform=kubernetes", "KUBERNETES_MASTER",
					"POD_NAME", "./mvnw spring-boot:test-run");
		});
	}

	@Test
	void theElectorIsNamedAfterThePodAndCompetesInItsNamespace() {
		this.runner.withBean(Config.class, () -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))
			.withPropertyValues("POD_NAME=replica-7", "POD_NAMESPACE=team-a")
			.run((context) -> {
				Leadership leadership = context.getBean(Electors.class).primary().leadership();
				assertThat(leadership.identity()).startsWith("replica-7_");
				assertThat(leadership.namespace()).isEqualTo("team-a");
				assertThat(leadership.leaseName()).isEqualTo("test-lease");
				assertThat(leadership.leader()).isFalse();
			});
	}

	@Test
	void aShutdownPhaseShorterThanTheLongestLeaveStopsStartUp() {
		this.runner.withBean(Config.class, () -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("spring.lifecycle.timeout-per-shutdown-phase (PT20S) must be at least the "
						+ "election's longest graceful leave and shut-down (PT29S"));
	}

	@Test
	void badTimingsStopStartUpWithTheRuleAndTheProperty() {
		this.runner.withBean(Config.class, () -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))
			.withPropertyValues("test-leader.election.renew-deadline=20s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("test-leader.election.lease-duration must be greater than "
						+ "test-leader.election.renew-deadline (PT20S) (was 'PT15S')"));
	}

	@Test
	void anInvalidPodNamespaceStopsStartUp() {
		this.runner.withBean(Config.class, () -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))
			.withPropertyValues("POD_NAMESPACE=Not_A_Namespace")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("The Lease namespace 'Not_A_Namespace'"));
	}

	@Test
	void anAsynchronousRevocationListenerStopsStartUp() {
		this.runner.withBean(Config.class, () -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))
			.withBean("auditTrail", SynchronousRevocationsTest.AsyncRevocationMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.isInstanceOf(AsyncRevocationException.class)
				.hasMessageContaining("bean 'auditTrail'"));
	}

	@Test
	void itJoinsTheElectionOnlyOnceTheApplicationIsReady() {
		try (LocalKubernetesApi api = LocalKubernetesApi.start(0); KubernetesClient admin = api.client()) {
			this.runner.withBean(Config.class, api::clientConfig).withPropertyValues("POD_NAME=replica-a").run((context) -> {
				LeaseElector elector = context.getBean(Electors.class).primary();
				throughout(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(2))
					.until(() -> admin.leases().inNamespace("default").withName("test-lease").get() == null);

				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				await().atMost(Duration.ofSeconds(5)).until(() -> elector.leadership().leader());

				AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> admin.leases()
						.inNamespace("default")
						.withName("test-lease")
						.get()
						.getSpec()
						.getHolderIdentity()
						.isEmpty());
				assertThat(elector.leadership().leader()).isFalse();
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(LeaderElectionProperties.class)
	static class Properties {

	}

}
