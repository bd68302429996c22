package com.example.testleader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.testleader.election.Handover;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.local.LocalKubernetesApi.ApiCall;
import com.example.testleader.task.CriticalWork;
import com.example.testleader.task.CriticalWorkMonitor;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.kubernetes.commons.leader.LeaderInitiator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.SimpleApplicationEventMulticaster;

import static com.example.testleader.Throughout.throughout;
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
	void aRefusedRevocationSwallowedByTheMulticastersErrorHandlerLeavesTheLeaseUnreleasedWhileTheRunIsInFlight(
			CapturedOutput output) throws Exception {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch letGo = new CountDownLatch(1);
		AtomicBoolean held = new AtomicBoolean();
		AtomicLong heldRunEnded = new AtomicLong();
		List<Throwable> swallowed = new CopyOnWriteArrayList<>();
		Replica replica = start("replica-a", (context) -> {
			// an error handler that logs nothing and lets publishing return normally: the
			// scheduler's refusal never reaches the elector as a failed revocation
			SimpleApplicationEventMulticaster multicaster = new SimpleApplicationEventMulticaster(
					context.getBeanFactory());
			multicaster.setErrorHandler(swallowed::add);
			context.getBeanFactory().registerSingleton("applicationEventMulticaster", multicaster);
			// the first run holds past the revocation, ignoring its interruption
			context.getBeanFactory().registerSingleton("holdingWork", (CriticalWork) (term) -> {
				if (held.compareAndSet(false, true)) {
					holding.countDown();
					awaitIgnoringInterruption(letGo);
					heldRunEnded.set(System.nanoTime());
				}
			});
		});
		assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
		long token = replica.elector().leadership().fencingToken();

		Handover left = replica.elector().leave().get(10, TimeUnit.SECONDS);

		assertThat(swallowed).singleElement()
			.satisfies((refusal) -> assertThat(refusal).hasMessageContaining("ignored its interruption"));
		// while the run is in flight, the Lease is never released
		throughout(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.until(() -> this.api.firstRelease().isEmpty() && heldRunEnded.get() == 0);
		assertThat(left).isEqualTo(Handover.NOT_RELEASED);
		assertThat(output).contains("the critical work of fencingToken=[" + token + "] still runs");

		letGo.countDown();
		CriticalWorkMonitor work = replica.context().getBean(CriticalWorkMonitor.class);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> heldRunEnded.get() != 0 && work.status("test-lease").workIgnoringInterruption().isEmpty());

		// once that run has ended, nothing holds the Lease back: the next term's graceful
		// step-down releases it
		replica.elector().join();
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
		assertThat(replica.elector().leave().get(10, TimeUnit.SECONDS)).isEqualTo(Handover.RELEASED);
		assertThat(this.api.firstRelease()).hasValueSatisfying(
				(release) -> assertThat(release.receivedAtNanos()).isGreaterThan(heldRunEnded.get()));
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
		return start(podName, (context) -> {
		});
	}

	private Replica start(String podName, Consumer<ConfigurableApplicationContext> beans) {
		Replica replica = Replica.start(podName, this.api.url(), this.work, beans);
		this.replicas.add(replica);
		return replica;
	}

	/** Work that waits for {@code letGo} and does not react to interruption. */
	private static void awaitIgnoringInterruption(CountDownLatch letGo) {
		while (true) {
			try {
				letGo.await();
				return;
			}
			catch (InterruptedException ex) {
				// ignored on purpose: this is the work that does not stop
			}
		}
	}

}
