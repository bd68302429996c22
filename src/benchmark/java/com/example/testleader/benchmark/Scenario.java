package com.example.testleader.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.awaitility.core.ConditionTimeoutException;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;
import com.example.testleader.faults.FaultProxy;

import static com.example.testleader.benchmark.Run.median;
import static com.example.testleader.benchmark.ScenarioSteps.awaitLeading;
import static com.example.testleader.benchmark.ScenarioSteps.lastRenewal;
import static com.example.testleader.benchmark.ScenarioSteps.settle;
import static com.example.testleader.benchmark.ScenarioSteps.since;
import static org.awaitility.Awaitility.await;

/**
 * The fault scenarios. Each starts from a fresh API and fresh replicas, does one thing to
 * them, and records its key latency; overlap and leaderless time are computed afterwards
 * from the critical windows. The pauses below are the faults' own durations and the
 * measurement windows, not waits for something to happen (those use Awaitility).
 */
enum Scenario {

	STARTUP("Start-up", "application ready → leading", "≤ 1 s") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			Events events = cluster.events;
			// leaderless and overlap from the moment the first replica was ready
			run.from = events.all()
				.stream()
				.filter((e) -> e.kind() == Kind.READY)
				.mapToLong(Event::nanos)
				.min()
				.orElseThrow();
			run.latencies.add(since(events, leader.name, Kind.READY, Kind.LEADING));
			run.extras.put("process start → ready, ms (median)", median(cluster.replicas()
				.stream()
				.map((r) -> since(events, r.name, Kind.STARTED, Kind.READY))
				.toList()));
			run.extras.put("process start → leading, ms", since(events, leader.name, Kind.STARTED, Kind.LEADING));
			List<Double> followers = new ArrayList<>();
			cluster.requestsPerMinute(options.steady()).forEach((replica, perMinute) -> {
				if (replica == leader) {
					run.extras.put("API requests/min, leader", perMinute);
				}
				else {
					followers.add(perMinute);
				}
			});
			run.extras.put("API requests/min, follower", median(followers));
			run.extras.put("resident memory, MiB (median)",
					median(cluster.replicas().stream().map(ReplicaProcess::residentMegabytes).toList()));
		}
	},

	GRACEFUL("Graceful stop of the leader (SIGTERM)", "SIGTERM → successor runs the task",
			"median ≤ 100 ms, max ≤ 250 ms") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			long signal = System.nanoTime();
			leader.terminate();
			Event next = awaitLeading(cluster, signal, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
			run.latencies.add(Run.millis(next.nanos() - signal));
			leader.awaitExit(Duration.ofSeconds(60));
		}
	},

	/**
	 * The crash as measured before early takeover, so that its numbers stay comparable with
	 * the earlier results: the replicas run in no pod (no POD_UID), so nothing is reported
	 * and the service waits out the lease. {@link #CRASH_REPORTED} and {@link #CRASH_SILENT}
	 * are the same crash in pods.
	 */
	CRASH("Crash of the leader (SIGKILL), early takeover off (no POD_UID)", "last renewal → successor runs the task",
			"≤ lease + 1 s (16 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			long kill = System.nanoTime();
			leader.kill();
			Event next = awaitLeading(cluster, kill, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
			run.latencies.add(Run.millis(next.nanos() - lastRenewal(cluster, leader, kill)));
		}

		@Override
		Cluster.Pods pods() {
			return Cluster.Pods.NONE;
		}
	},

	/**
	 * The crash in a pod whose kubelet reports it: the container terminated (exit 137) after
	 * the kubelet's delay ({@code benchmark.kubelet-delay}), which proves the holder gone.
	 */
	CRASH_REPORTED("Crash of the leader (SIGKILL), the kubelet reports its container terminated",
			"SIGKILL → successor runs the task", "median ≤ 1.5 s, max ≤ 2.5 s") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			long kill = System.nanoTime();
			leader.kill();
			Event next = awaitLeading(cluster, kill, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
			run.latencies.add(Run.millis(next.nanos() - kill));
			run.extras.put("last renewal → successor runs the task, ms",
					Run.millis(next.nanos() - lastRenewal(cluster, leader, kill)));
			cluster.events.firstAfter(kill, Kind.REPORTED, "")
				.filter((e) -> e.replica().equals(leader.name))
				.ifPresent((e) -> run.extras.put("kubelet's report → successor runs the task, ms",
						Run.millis(next.nanos() - e.nanos())));
		}
	},

	/**
	 * The crash in a pod whose node is lost with it: the kubelet never reports, the pod
	 * keeps showing the container running, and the successor must wait out the lease,
	 * neither earlier (that would be unsafe) nor later than with early takeover off.
	 */
	CRASH_SILENT("Crash of the leader (SIGKILL) with its node lost: the kubelet reports nothing",
			"last renewal → successor runs the task", "≥ lease (15 s), ≤ lease + 1 s (16 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			cluster.loseNode(leader);
			long kill = System.nanoTime();
			leader.kill();
			Event next = awaitLeading(cluster, kill, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
			run.latencies.add(Run.millis(next.nanos() - lastRenewal(cluster, leader, kill)));
		}
	},

	/**
	 * The leader's pod object force-deleted while its process goes on (the kubelet cannot
	 * stop it): its last status says running, which proves nothing, so nobody may take over
	 * while it renews. After a lease and more it is SIGKILLed, still unreported (its pod is
	 * gone), and the successor waits out the lease.
	 */
	FORCE_DELETE("Leader's pod force-deleted while it runs, SIGKILL a lease later",
			"after the SIGKILL: last renewal → successor runs the task",
			"leads on for the lease and more (≥ 15 s); then ≤ lease + 1 s (16 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			long deletion = System.nanoTime();
			cluster.forceDeletePod(leader);
			// the measurement window: a takeover on the deletion would come within it
			Thread.sleep(LEASE.plusSeconds(5).toMillis());
			long kill = System.nanoTime();
			Optional<Event> broken = cluster.events.all()
				.stream()
				.filter((e) -> e.nanos() >= deletion && e.nanos() < kill)
				.filter((e) -> (e.replica().equals(leader.name) && (e.kind() == Kind.STOPPED || e.kind() == Kind.DIED))
						|| (!e.replica().equals(leader.name) && e.kind() == Kind.LEADING))
				.findFirst();
			run.extras.put("pod deletion → the leader stops or another leads, ms (else → SIGKILL)",
					Run.millis(broken.map(Event::nanos).orElse(kill) - deletion));
			broken.ifPresent((e) -> run.notes.add("leadership changed while the leader still ran, "
					+ Math.round(Run.millis(e.nanos() - deletion)) + " ms after its pod's deletion: " + e.replica()
					+ " " + e.kind()));
			leader.kill();
			Event next = awaitLeading(cluster, kill, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
			run.latencies.add(Run.millis(next.nanos() - lastRenewal(cluster, leader, kill)));
		}
	},

	PARTITION("Silent partition of the leader", "last renewal → leader stops the task",
			"≤ renew deadline + 0.5 s (10.5 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			cutOff(cluster, options, run, FaultProxy.Mode.BLACKHOLE);
		}
	},

	UNAVAILABLE("Leader's API answering 503", "last renewal → leader stops the task",
			"≤ renew deadline + 0.5 s (10.5 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			cutOff(cluster, options, run, FaultProxy.Mode.UNAVAILABLE);
		}
	},

	API_DOWN("API server down for 25 s", "last renewal → leader stops the task", "≤ renew deadline + 0.5 s (10.5 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			long fault = System.nanoTime();
			cluster.replicas().forEach((r) -> r.proxy.mode(FaultProxy.Mode.DOWN));
			cluster.events.add("api", Kind.FAULT, "API down");
			Thread.sleep(25_000);
			long heal = System.nanoTime();
			cluster.replicas().forEach((r) -> r.proxy.mode(FaultProxy.Mode.PASS));
			cluster.events.add("api", Kind.HEALED, "API back");
			Optional<Event> stopped = cluster.events.firstAfter(fault, Kind.STOPPED, "")
				.filter((e) -> e.replica().equals(leader.name) && e.nanos() < heal);
			run.latencies.add(stopped.map((e) -> Run.millis(e.nanos() - lastRenewal(cluster, leader, fault)))
				.orElse(Double.NaN));
			settle(cluster, run);
			cluster.events.firstAfter(heal, Kind.LEADING, "")
				.ifPresent((e) -> run.extras.put("API back → a leader runs the task, ms", Run.millis(e.nanos() - heal)));
		}
	},

	SKEW("Follower's wall clock 20 s ahead", "takeovers of the live Lease by the skewed follower", "0") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			if (faketime.isEmpty()) {
				run.notes.add("skipped: libfaketime is not available (apt-get install faketime failed)");
				return;
			}
			for (int i = 1; i < options.replicas(); i++) {
				cluster.start("replica-" + i, Map.of());
			}
			cluster.awaitSettled();
			run.from = System.nanoTime();
			String skewed = "replica-" + options.replicas();
			cluster.start(skewed, Map.of("LD_PRELOAD", faketime.get().toString(), "FAKETIME", "+20s",
					"FAKETIME_DONT_FAKE_MONOTONIC", "1", "FAKETIME_NO_CACHE", "1"));
			cluster.events.add(skewed, Kind.FAULT, "clock +20 s");
			await().atMost(Duration.ofSeconds(120)).until(() -> cluster.events.last(skewed, Kind.READY).isPresent());
			Thread.sleep(60_000);
			run.latencies.add((double) cluster.events.all()
				.stream()
				.filter((e) -> e.kind() == Kind.LEADING && e.replica().equals(skewed))
				.count());
		}
	},

	ROLLING("Rolling restart, 3 rounds", "SIGTERM of the leader → successor runs the task", "≤ 250 ms") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			List<ReplicaProcess> current = new ArrayList<>(cluster.replicas());
			for (int round = 1; round <= 3; round++) {
				for (int i = 0; i < current.size(); i++) {
					ReplicaProcess old = current.get(i);
					// like a Deployment with maxSurge 1, maxUnavailable 0: the new pod first
					ReplicaProcess fresh = cluster.start("replica-" + (i + 1) + "-r" + round, Map.of());
					await().atMost(Duration.ofSeconds(120))
						.until(() -> cluster.events.last(fresh.name, Kind.READY).isPresent());
					boolean wasLeader = cluster.leader().filter((l) -> l == old).isPresent();
					long signal = System.nanoTime();
					old.terminate();
					old.awaitExit(Duration.ofSeconds(60));
					if (wasLeader) {
						Event next = awaitLeading(cluster, signal, (r) -> !r.equals(old.name), Duration.ofSeconds(60));
						run.latencies.add(Run.millis(next.nanos() - signal));
					}
					current.set(i, fresh);
				}
			}
			settle(cluster, run);
		}
	},

	DELETE("Lease deleted under the leader", "deletion → a leader runs the task again (0: it never stopped)",
			"old leader stops before anyone else starts") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaProcess leader = cluster.startAll(options.replicas());
			run.from = System.nanoTime();
			long deletion = System.nanoTime();
			cluster.admin().leases().inNamespace("default").withName("test-lease").delete();
			cluster.events.add("api", Kind.FAULT, "Lease deleted");
			Optional<Event> next;
			try {
				next = Optional.of(awaitLeading(cluster, deletion, (r) -> true, Duration.ofSeconds(40)));
			}
			catch (ConditionTimeoutException ex) {
				next = Optional.empty();
			}
			Optional<Event> stopped = cluster.events.firstAfter(deletion, Kind.STOPPED, "")
				.filter((e) -> e.replica().equals(leader.name));
			if (next.isPresent()) {
				run.latencies.add(Run.millis(next.get().nanos() - deletion));
			}
			else if (stopped.isEmpty()) {
				// More than a lease duration and nobody else started: the old leader created the
				// Lease again itself and went on.
				run.latencies.add(0.0);
				run.notes.add("the old leader created the Lease again itself and kept leading (counted as 0 ms)");
			}
			else {
				run.latencies.add(Double.NaN);
			}
			stopped.ifPresent((e) -> run.extras.put("deletion → old leader stops, ms", Run.millis(e.nanos() - deletion)));
		}
	},

	ROLES_STARTUP("Roles: start-up", "last replica ready → balanced", "≤ 2 retry periods (4 s)",
			RoleScenarios.ROLES) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RoleScenarios.startup(cluster, options, run);
		}
	},

	ROLES_CRASH("Roles: crash of a replica (SIGKILL), the kubelet reports it", "SIGKILL → each of its roles runs again",
			"median ≤ 1.5 s, max ≤ 2.5 s", RoleScenarios.ROLES) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RoleScenarios.crash(cluster, options, run);
		}
	},

	ROLES_SCALE_UP("Roles: scale-up by one replica", "new replica ready → balanced", "≤ 2 retry periods (4 s)",
			RoleScenarios.ROLES) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RoleScenarios.scaleUp(cluster, options, run);
		}
	},

	ROLES_GRACEFUL("Roles: pod of a replica deleted (SIGTERM)", "SIGTERM → each of its roles runs elsewhere",
			"median ≤ 100 ms, max ≤ 250 ms", RoleScenarios.ROLES) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RoleScenarios.graceful(cluster, options, run);
		}
	};

	final String title;

	final String keyLatency;

	final String target;

	private final List<String> roles;

	Scenario(String title, String keyLatency, String target) {
		this(title, keyLatency, target, List.of(Events.DEFAULT_ROLE));
	}

	/**
	 * @param roles the roles the service's replicas run the demo work under, one Lease each
	 */
	Scenario(String title, String keyLatency, String target, List<String> roles) {
		this.title = title;
		this.keyLatency = keyLatency;
		this.target = target;
		this.roles = roles;
	}

	/** The lease duration both candidates use (the service's default, the baseline's setting). */
	static final Duration LEASE = Duration.ofSeconds(15);

	abstract void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws Exception;

	/**
	 * Whether the replicas run in pods the kubelet stand-in reports on, with POD_UID set so
	 * that the service may take over early, and when those are ready: at once, except where
	 * roles are balanced over them.
	 */
	Cluster.Pods pods() {
		return isRoles() ? Cluster.Pods.READY_WITH_REPLICA : Cluster.Pods.READY_AT_ONCE;
	}

	/** The roles the service's replicas run the demo work under: one, except in the roles scenarios. */
	List<String> roles() {
		return this.roles;
	}

	/** Whether the replicas have several roles to balance. */
	boolean isRoles() {
		return this.roles.size() > 1;
	}

	/** Whether {@code candidate} runs this scenario: the baseline has no roles. */
	boolean runsFor(Cluster.Candidate candidate) {
		return !isRoles() || candidate == Cluster.Candidate.SERVICE;
	}

	/**
	 * Cuts the leader off with {@code mode} until it has stepped down and another replica
	 * leads, or 45 s (a leader that never steps down is reported so), then heals it.
	 */
	static void cutOff(Cluster cluster, Options options, Run run, FaultProxy.Mode mode) throws InterruptedException {
		ReplicaProcess leader = cluster.startAll(options.replicas());
		run.from = System.nanoTime();
		long fault = System.nanoTime();
		leader.proxy.mode(mode);
		cluster.events.add(leader.name, Kind.FAULT, mode.name());
		try {
			await().atMost(Duration.ofSeconds(45))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> cluster.events.firstAfter(fault, Kind.STOPPED, "")
					.filter((e) -> e.replica().equals(leader.name))
					.isPresent() && cluster.events.firstAfter(fault, Kind.LEADING, leader.name).isPresent());
		}
		catch (ConditionTimeoutException ex) {
			run.notes.add("after 45 s the cut-off leader still ran the task or nobody else did");
		}
		long heal = System.nanoTime();
		long lastRenewal = lastRenewal(cluster, leader, heal);
		Optional<Event> stopped = cluster.events.firstAfter(fault, Kind.STOPPED, "")
			.filter((e) -> e.replica().equals(leader.name));
		run.latencies.add(stopped.map((e) -> Run.millis(e.nanos() - lastRenewal)).orElse(Double.NaN));
		cluster.events.firstAfter(fault, Kind.LEADING, leader.name)
			.ifPresent((e) -> run.extras.put("last renewal → successor runs the task, ms",
					Run.millis(e.nanos() - lastRenewal)));
		leader.proxy.mode(FaultProxy.Mode.PASS);
		cluster.events.add(leader.name, Kind.HEALED, "PASS");
		settle(cluster, run);
	}

}
