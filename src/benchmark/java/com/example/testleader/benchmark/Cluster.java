package com.example.testleader.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import io.fabric8.kubernetes.client.KubernetesClient;

import com.example.testleader.faults.FaultProxy;
import com.example.testleader.local.KubeletStandIn;

import static org.awaitility.Awaitility.await;

/**
 * One run's world: the in-process API as its own process on loopback ({@link ApiServer},
 * which also holds the benchmark's own watch of the Lease), one fault proxy and one process
 * per replica, and the pods they run in ({@link ReplicaPods}).
 *
 * <p>
 * Unless told otherwise, each replica runs "in a pod": a {@link KubeletStandIn} creates its
 * Pod before the process starts, the process gets the pod's UID as POD_UID (so the service
 * takes over early on the kubelet's proof), and when the process exits the stand-in reports
 * its container terminated with the process's exit status, after the kubelet's delay. A
 * replica whose node is lost, or whose pod was force-deleted, gets no report. The baseline
 * ignores the pods.
 *
 * <p>
 * The service's replicas run the demo work under the cluster's roles, one Lease each; the
 * single-role scenarios have the one, {@link Events#DEFAULT_ROLE}, the service's default.
 */
final class Cluster implements AutoCloseable {

	/** Which program competes. */
	enum Candidate {

		/** This service, the packaged jar. */
		SERVICE,

		/** fabric8's plain LeaderElector ({@link Fabric8Candidate}). */
		BASELINE

	}

	/** Whether the replicas run in pods, and when a pod is reported ready. */
	enum Pods {

		/** No pods, no POD_UID: the service waits out every lease, as before early takeover. */
		NONE,

		/** Each pod is ready from its creation (readiness matters to nothing with one role). */
		READY_AT_ONCE,

		/**
		 * Each pod is created not ready and reported ready, after the kubelet's delay, once its
		 * replica says it is ready: the roles are balanced over the ready pods, so their
		 * readiness must follow the replicas' own.
		 */
		READY_WITH_REPLICA

	}

	final Events events = new Events();

	private final Candidate candidate;

	private final ServiceJar service;

	private final Options options;

	private final Path logs;

	private final ApiServer api;

	private final List<ReplicaProcess> replicas = new ArrayList<>();

	private final ReplicaPods pods;

	private final List<String> roles;

	private final Set<Integer> managementPorts = new HashSet<>();

	/**
	 * @param service how the service's replicas start (unused for the baseline)
	 * @param pods whether the replicas run in pods the kubelet stand-in reports on, and when
	 * those are ready
	 * @param roles the roles the service's replicas run the demo work under (the baseline
	 * has the one Lease)
	 */
	Cluster(Candidate candidate, ServiceJar service, Options options, Path logs, Pods pods, List<String> roles)
			throws IOException {
		this.candidate = candidate;
		this.service = service;
		this.options = options;
		this.roles = List.copyOf(roles);
		this.logs = Files.createDirectories(logs);
		this.api = new ApiServer(this.logs, this.events);
		this.pods = new ReplicaPods(this.api.admin(), pods, options.kubeletDelay(), this.events);
	}

	/**
	 * Starts a replica named {@code name}, in a pod of the same name unless this cluster
	 * runs none; {@code environment} adds to the standard one.
	 */
	ReplicaProcess start(String name, Map<String, String> environment) {
		return start(name, environment, (pod) -> {
		});
	}

	/**
	 * As {@link #start(String, Map)}; {@code podCreated} is given the pod's name once the pod
	 * exists and before the process starts (not called in no pod).
	 */
	ReplicaProcess start(String name, Map<String, String> environment, Consumer<String> podCreated) {
		FaultProxy proxy;
		try {
			proxy = new FaultProxy(this.api.url());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> env = new HashMap<>(Map.of("KUBERNETES_MASTER", proxy.url(), "POD_NAME", name,
				"POD_NAMESPACE", "default", "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
				"KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"));
		this.pods.create(name).ifPresent((uid) -> {
			env.put("POD_UID", uid);
			podCreated.accept(name);
		});
		env.putAll(environment);
		int managementPort = (this.candidate == Candidate.SERVICE) ? freeManagementPort() : 0;
		List<String> command = (this.candidate == Candidate.SERVICE)
				? this.service.command(managementPort, serviceArguments()) : baseline();
		ReplicaProcess replica = ReplicaProcess.start(name, command, env, managementPort, proxy, this.events,
				this.logs.resolve(name + ".log"), () -> this.pods.readinessProbePassed(name));
		replica.onExit((status) -> this.pods.exited(name, status));
		this.replicas.add(replica);
		return replica;
	}

	/**
	 * A port free now, for a service replica's actuator: set on its command line, so that the
	 * benchmark can call the operator endpoints without reading the port from the log. Another
	 * process may bind it before the replica does, which then fails to start (its management
	 * server cannot bind), as a failed run; a port handed out once in this run is not handed
	 * out again, should the system return it twice.
	 */
	private int freeManagementPort() {
		try {
			while (true) {
				try (ServerSocket socket = new ServerSocket(0)) {
					if (this.managementPorts.add(socket.getLocalPort())) {
						return socket.getLocalPort();
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The roles, on the service's command line where they are not the default one. */
	private List<String> serviceArguments() {
		return this.roles.equals(List.of(Events.DEFAULT_ROLE)) ? List.of()
				: List.of("--test-leader.task.still-leading-roles=" + String.join(",", this.roles));
	}

	/**
	 * The baseline's command: the service's JVM options less {@code benchmark.jvm-options},
	 * which are the service's alone.
	 */
	private List<String> baseline() {
		List<String> command = new ArrayList<>(List.of(java()));
		command.addAll(this.options.jvm());
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), Fabric8Candidate.class.getName()));
		return command;
	}

	/**
	 * The node of {@code replica} is lost from now on: its kubelet reports nothing more, so
	 * its pod keeps showing the container running whatever becomes of the process.
	 */
	void loseNode(ReplicaProcess replica) {
		this.pods.loseNode(replica);
	}

	/**
	 * Force-deletes the pod of {@code replica} (grace period 0), whose process goes on
	 * running: what happens when the kubelet cannot act on the deletion, as on a node cut
	 * off from the API (a healthy kubelet would stop the container soon after). With the
	 * object gone, nothing can be reported of the process any more.
	 */
	void forceDeletePod(ReplicaProcess replica) {
		this.pods.forceDelete(replica);
	}

	/**
	 * Starts replica-1..n at once, waits until one leads and the others know it, then lets
	 * the JVMs warm up: right after start-up their JIT compilers saturate the CPU, which
	 * delays everything else on a small machine (the API's watch events by up to a second).
	 */
	ReplicaProcess startAll(int count) throws InterruptedException {
		for (int i = 1; i <= count; i++) {
			start("replica-" + i, Map.of());
		}
		awaitSettled();
		Thread.sleep(this.options.warmUp().toMillis());
		return awaitSettled();
	}

	/** Waits until exactly one replica leads and every other live one has seen it lead. */
	ReplicaProcess awaitSettled() {
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
			List<String> leaders = this.events.leaders();
			if (leaders.size() != 1) {
				return false;
			}
			return this.replicas.stream()
				.filter((r) -> r.alive() && !r.name.equals(leaders.get(0)))
				.allMatch((r) -> this.events.last(r.name, Events.Kind.NEW_LEADER)
					.filter((e) -> Events.holds(e.detail(), leaders.get(0)))
					.isPresent());
		});
		return leader().orElseThrow();
	}

	Optional<ReplicaProcess> leader() {
		List<String> leaders = this.events.leaders();
		return this.replicas.stream().filter((r) -> leaders.size() == 1 && r.name.equals(leaders.get(0))).findFirst();
	}

	List<ReplicaProcess> replicas() {
		return List.copyOf(this.replicas);
	}

	/**
	 * Each replica's API requests a minute, counted at its proxy over {@code window} from
	 * now (which this waits out), in the replicas' order.
	 */
	Map<ReplicaProcess, Double> requestsPerMinute(Duration window) throws InterruptedException {
		List<ReplicaProcess> counted = replicas();
		Map<ReplicaProcess, Long> before = new HashMap<>();
		counted.forEach((r) -> before.put(r, r.proxy.requests()));
		long start = System.nanoTime();
		Thread.sleep(window.toMillis());
		double minutes = (System.nanoTime() - start) / 60e9;
		Map<ReplicaProcess, Double> perMinute = new LinkedHashMap<>();
		counted.forEach((r) -> perMinute.put(r, (r.proxy.requests() - before.get(r)) / minutes));
		return perMinute;
	}

	List<String> roles() {
		return this.roles;
	}

	/**
	 * {@code kubectl delete pod} as the API server takes it: the pod of {@code replica} is
	 * marked for deletion at once (no longer a member for the balance); the kubelet then sends
	 * SIGTERM ({@link ReplicaProcess#terminate()}) and reports the exit as for any other.
	 */
	void deletePod(ReplicaProcess replica) {
		this.pods.delete(replica);
	}

	/**
	 * As {@link #deletePod}, and the object then goes once the kubelet has reported the exit,
	 * as after a real graceful deletion (in {@link #deletePod} it stays terminating).
	 */
	void deletePodForGood(ReplicaProcess replica) {
		this.pods.deleteForGood(replica);
	}

	KubernetesClient admin() {
		return this.api.admin();
	}

	@Override
	public void close() {
		this.pods.close();
		this.replicas.forEach(ReplicaProcess::destroy);
		this.replicas.forEach((r) -> r.proxy.close());
		this.api.close();
	}

	private static String java() {
		return ServiceJar.java();
	}

}
