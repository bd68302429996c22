package com.example.testleader.local;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The local mode with several replicas ({@code --local.replicas=N}): each a process of its
 * own ({@link SupervisedReplica}), so that one can be killed, with the kubelet stand-in
 * keeping their Pods as a kubelet would. It runs until this JVM is asked to stop (Ctrl-C,
 * SIGTERM); then every replica is stopped as its pod's deletion would stop it, all at once,
 * and only once they have all exited does the API go, so that they can release their Leases.
 */
final class LocalReplicas {

	/** The Deployment's termination grace period: how long a replica may take to stop. */
	static final Duration GRACE = Duration.ofSeconds(75);

	/**
	 * The in-process API logs every request it answers; here the replicas' own lines matter.
	 * Held in a field: JUL keeps loggers weakly, and would forget the level.
	 */
	private static final Logger API_REQUESTS = Logger.getLogger("io.fabric8.mockwebserver");

	private final List<SupervisedReplica> replicas = new ArrayList<>();

	private final PrintStream console;

	LocalReplicas(int count, ReplicaLaunch launch, KubeletStandIn kubelet, PrintStream console) {
		for (int n = 1; n <= count; n++) {
			this.replicas.add(new SupervisedReplica(LocalReplica.numbered(n), launch, kubelet,
					SupervisedReplica.Timings.KUBELET, console));
		}
		this.console = console;
	}

	/** Runs the replicas against {@code api} until this JVM shuts down; closes the API last. */
	static void run(LocalKubernetesApi api, int count, ReplicaLaunch launch) throws IOException, InterruptedException {
		API_REQUESTS.setLevel(Level.WARNING);
		KubernetesClient client = api.client();
		KubeletStandIn kubelet = new KubeletStandIn(client, "default", Duration.ofSeconds(1));
		LocalReplicas replicas = new LocalReplicas(count, launch, kubelet, System.out);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			replicas.stopAll();
			kubelet.close();
			client.close();
			api.close();
			stopped.countDown();
		}, "local-replicas-stop"));
		replicas.startAll();
		stopped.await();
	}

	void startAll() throws IOException {
		for (SupervisedReplica replica : this.replicas) {
			replica.start();
		}
		this.console.printf("%d replicas started; roles per replica: curl -s localhost:%d/actuator/info | jq "
				+ ".leaderElection.rolesPerReplica; kill -9 a PID to see its roles move and come back; Ctrl-C stops "
				+ "them all%n", this.replicas.size(), this.replicas.get(0).replica().managementPort());
	}

	/** Stops every replica at once, as the deletion of their pods would; returns once all have exited. */
	void stopAll() {
		this.console.printf("Stopping %d replicas (SIGTERM, then SIGKILL after %d s)%n", this.replicas.size(),
				GRACE.toSeconds());
		// a thread each, not the common pool: on two cores it runs one task at a time
		List<Thread> stopping = this.replicas.stream()
			.map((replica) -> new Thread(() -> stop(replica), "stop-" + replica.replica().name()))
			.toList();
		stopping.forEach(Thread::start);
		try {
			for (Thread thread : stopping) {
				thread.join();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void stop(SupervisedReplica replica) {
		try {
			replica.stop(GRACE);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
