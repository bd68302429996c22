package com.example.testleader.benchmark;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * The baseline: the seed program's design on fabric8 7.3.1's plain {@code LeaderElector}
 * (Lease {@code default/test-lease}, 15 s / 10 s / 2 s, release on cancel, identity =
 * POD_NAME, a task logging {@code still leading} every 5 s), used as the documentation
 * shows, with fabric8's default client settings. It prints the same lines the service logs,
 * so the benchmark measures both the same way.
 */
public final class Fabric8Candidate {

	private Fabric8Candidate() {
	}

	public static void main(String[] args) throws InterruptedException {
		String identity = System.getenv("POD_NAME");
		String namespace = System.getenv().getOrDefault("POD_NAMESPACE", "default");
		ScheduledExecutorService work = Executors.newSingleThreadScheduledExecutor();
		AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
		LeaderCallbacks callbacks = new LeaderCallbacks(() -> {
			log("leading: identity=" + identity);
			task.set(work.scheduleAtFixedRate(() -> log("still leading: identity=" + identity), 0, 5,
					TimeUnit.SECONDS));
		}, () -> {
			ScheduledFuture<?> running = task.getAndSet(null);
			if (running != null) {
				running.cancel(false);
			}
			log("stopped leading: identity=" + identity);
		}, (leader) -> log("new leader: " + leader));
		LeaderElectionConfig config = new LeaderElectionConfigBuilder().withName("test-lease")
			.withLock(new LeaseLock(namespace, "test-lease", identity))
			.withLeaseDuration(Duration.ofSeconds(15))
			.withRenewDeadline(Duration.ofSeconds(10))
			.withRetryPeriod(Duration.ofSeconds(2))
			.withReleaseOnCancel(true)
			.withLeaderCallbacks(callbacks)
			.build();
		KubernetesClient client = new KubernetesClientBuilder().build();
		AtomicReference<CompletableFuture<?>> election = new AtomicReference<>();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			CompletableFuture<?> current = election.get();
			if (current != null) {
				current.cancel(true);
			}
		}));
		log("ready");
		while (true) {
			CompletableFuture<?> current = client.leaderElector().withConfig(config).build().start();
			election.set(current);
			try {
				current.get();
			}
			catch (CancellationException ex) {
				return;
			}
			catch (ExecutionException ex) {
				log("election failed: " + ex.getCause());
			}
		}
	}

	private static void log(String message) {
		System.out.println(Instant.now() + " " + message);
	}

}
