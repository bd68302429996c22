package com.example.testleader.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica's process kept as the kubelet keeps a container, seen through its Pod in the
 * in-process API: the readiness its probe finds, its exit and the exit status, its restart,
 * and a graceful deletion. The process is {@code FakeReplica.java} (test resources), a small
 * JVM whose readiness the test decides; the kubelet's delay, the probe's period and the backoff are shortened.
 */
class SupervisedReplicaTest {

	private static final SupervisedReplica.Timings FAST = new SupervisedReplica.Timings(Duration.ofMillis(200),
			Duration.ofSeconds(1), Duration.ofMillis(300));

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final KubeletStandIn kubelet = new KubeletStandIn(this.admin, "default", Duration.ofMillis(200));

	private final List<String> history = new CopyOnWriteArrayList<>();

	private final List<String> podUidsGiven = new CopyOnWriteArrayList<>();

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	@TempDir
	Path directory;

	private SupervisedReplica replica;

	private Watch watch;

	@AfterEach
	void stopAll() throws InterruptedException {
		if (this.replica != null) {
			this.replica.stop(Duration.ofSeconds(5));
		}
		if (this.watch != null) {
			this.watch.close();
		}
		this.kubelet.close();
		this.admin.close();
		this.api.close();
	}

	@Test
	void aReplicaIsReportedReadyOnlyWhileItsReadinessProbePasses() throws IOException {
		start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.history.contains("running ready=false restarts=0"));
		// five probes or more fail meanwhile: a container starts not ready and stays so
		throughout(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !isReady());

		Files.createFile(readyFile());
		await().atMost(Duration.ofSeconds(10)).until(this::isReady);

		Files.delete(readyFile());
		await().atMost(Duration.ofSeconds(10)).until(() -> !isReady());
		assertThat(deduplicated()).containsExactly("running ready=false restarts=0", "running ready=true restarts=0",
				"running ready=false restarts=0");
		assertThat(this.podUidsGiven).containsExactly(pod().getMetadata().getUid());
	}

	@Test
	void aKilledReplicaIsReportedTerminatedWith137ThenStartedAgainNotReadyUntilItsProbePasses() throws IOException {
		Files.createFile(readyFile());
		start();
		await().atMost(Duration.ofSeconds(10)).until(this::isReady);
		Process first = this.replica.process();

		first.toHandle().destroyForcibly();

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.history.contains("running ready=true restarts=1 last=terminated 137 Error"));
		assertThat(deduplicated()).containsExactly("running ready=false restarts=0", "running ready=true restarts=0",
				"terminated 137 Error ready=false restarts=0", "running ready=false restarts=1 last=terminated 137 Error",
				"running ready=true restarts=1 last=terminated 137 Error");
		assertThat(this.replica.process().pid()).isNotEqualTo(first.pid());
		assertThat(this.replica.process().isAlive()).isTrue();
		// the same pod: restarted in place, as restartPolicy Always does
		assertThat(this.podUidsGiven).hasSize(2).containsOnly(pod().getMetadata().getUid());
		assertThat(this.console.toString(StandardCharsets.UTF_8)).contains("exited with status 137")
			.contains("[fake-1] fake replica answering on port");
	}

	@Test
	void aStoppedReplicaIsDeletedGracefullyAndNeverStartedAgain() throws IOException, InterruptedException {
		Files.createFile(readyFile());
		start();
		await().atMost(Duration.ofSeconds(10)).until(this::isReady);
		Process only = this.replica.process();

		this.replica.stop(Duration.ofSeconds(5));

		assertThat(only.isAlive()).isFalse();
		assertThat(pod().getMetadata().getDeletionTimestamp()).isNotNull();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.history.contains("terminated 143 Error ready=false restarts=0"));
		// ten times the backoff: no restart, and no other process
		throughout(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
			.until(() -> this.replica.process() == only && !pod().getStatus().getContainerStatuses().get(0).getReady());
		assertThat(deduplicated()).last().isEqualTo("terminated 143 Error ready=false restarts=0");
	}

	private void start() throws IOException {
		LocalReplica fake = new LocalReplica("fake-1", 0, freePort());
		this.watch = this.admin.pods().inNamespace("default").withName(fake.name()).watch(new Watcher<Pod>() {

			@Override
			public void eventReceived(Action action, Pod pod) {
				SupervisedReplicaTest.this.history.add(describe(pod.getStatus().getContainerStatuses().get(0)));
			}

			@Override
			public void onClose(WatcherException cause) {
			}

		});
		this.replica = new SupervisedReplica(fake, this::fakeProcess, this.kubelet, FAST,
				new PrintStream(this.console, true, StandardCharsets.UTF_8));
		this.replica.start();
	}

	private ProcessBuilder fakeProcess(LocalReplica replica, String podUid) {
		this.podUidsGiven.add(podUid);
		Path source = ServiceCommand.testClasses().resolve("local/FakeReplica.java");
		return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-Xmx64m", source.toString(), String.valueOf(replica.managementPort()),
				readyFile().toString());
	}

	private Path readyFile() {
		return this.directory.resolve("ready");
	}

	private Pod pod() {
		return this.admin.pods().inNamespace("default").withName("fake-1").get();
	}

	private boolean isReady() {
		Pod pod = pod();
		return pod != null && Boolean.TRUE.equals(pod.getStatus().getContainerStatuses().get(0).getReady());
	}

	/** The container statuses the API went through, each change once. */
	private List<String> deduplicated() {
		List<String> changes = new ArrayList<>();
		for (String status : this.history) {
			if (changes.isEmpty() || !Objects.equals(changes.get(changes.size() - 1), status)) {
				changes.add(status);
			}
		}
		return changes;
	}

	private static String describe(ContainerStatus status) {
		String state = (status.getState().getTerminated() != null)
				? "terminated " + status.getState().getTerminated().getExitCode() + " "
						+ status.getState().getTerminated().getReason() + " ready=" + status.getReady()
				: "running ready=" + status.getReady();
		String last = (status.getLastState() != null && status.getLastState().getTerminated() != null)
				? " last=terminated " + status.getLastState().getTerminated().getExitCode() + " "
						+ status.getLastState().getTerminated().getReason()
				: "";
		return state + " restarts=" + status.getRestartCount() + last;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
