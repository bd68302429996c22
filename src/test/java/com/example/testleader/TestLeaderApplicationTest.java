package com.example.testleader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.local.LocalKubernetesApi.ApiCall;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.kubernetes.commons.leader.LeaderInitiator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/** The whole application, several replicas in one JVM, against the in-process API. */
@ExtendWith(OutputCaptureExtension.class)
class TestLeaderApplicationTest {

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final WorkLog work = new WorkLog(Duration.ofMillis(100));

	private final List<Replica> replicas = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.replicas.forEach(Replica::close);
		this.admin.close();
		this.api.close();
	}

	@Test
	void theLeaderRunsTheCriticalWorkWithItsFencingTokenAndTheConfigMapInitiatorStaysOff() {
		Replica replica = start("replica-a");

		await().atMost(Duration.ofSeconds(10)).until(() -> this.work.runsOf("replica-a").size() >= 3);

		long token = replica.elector().leadership().fencingToken();
		assertThat(this.work.runsOf("replica-a")).allSatisfy((run) -> assertThat(run.fencingToken()).isEqualTo(token));
		assertThat(replica.context().getBeansOfType(LeaderInitiator.class)).isEmpty();
		assertThat(this.admin.configMaps().inNamespace("default").withName("leaders").get()).isNull();
	}

	@Test
	void gracefulShutdownStopsTheWorkThenReleasesTheLeaseAndASuccessorTakesOver() {
		List<Replica> all = List.of(start("replica-a"), start("replica-b"), start("replica-c"));
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.work.runs().isEmpty());
		Replica leader = all.stream()
			.filter((r) -> r.name().equals(this.work.runs().get(0).replica()))
			.findFirst()
			.orElseThrow();
		long token = leader.elector().leadership().fencingToken();

		leader.close();

		ApiCall release = this.api.firstRelease().orElseThrow();
		assertThat(release.receivedAtNanos()).isGreaterThan(this.work.lastRunOf(leader.name()).endNanos());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.work.runs().stream().anyMatch((run) -> !run.replica().equals(leader.name())));
		assertThat(this.work.runs()).filteredOn((run) -> !run.replica().equals(leader.name()))
			.allSatisfy((run) -> assertThat(run.fencingToken()).isEqualTo(token + 1));
		this.work.assertNoOverlap();
	}

	@Test
	void outsideAClusterWithoutTheLocalModeStartUpFailsWithAnExplanation(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestLeaderApplication.class)
			.properties("spring.main.web-application-type=none", "spring.main.banner-mode=off")
			.run()).withRootCauseInstanceOf(RuntimeException.class);
		assertThat(output).contains("APPLICATION FAILED TO START",
				"no Kubernetes API server is configured", "./mvnw spring-boot:test-run");
	}

	private Replica start(String podName) {
		Replica replica = Replica.start(podName, this.api.url(), this.work);
		this.replicas.add(replica);
		return replica;
	}

}
