package com.example.testleader.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.example.testleader.faults.FaultProxy;

/**
 * The fault scenarios, in the order they run and are reported. Each starts from a fresh API
 * and fresh replicas, does one thing to them, and records its key latency; overlap and
 * leaderless time are computed afterwards from the critical windows. A constant names the
 * scenario, says what it measures and against which target, and in what world it runs (its
 * pods and roles); what it does is in {@link ReplicaScenarios} (the leader's process or pod),
 * {@link ApiScenarios} (the API or a clock) and {@link RoleScenarios} (several roles).
 */
enum Scenario {

	STARTUP("Start-up", "application ready → leading", "≤ 1 s") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaScenarios.startup(cluster, options, run);
		}
	},

	GRACEFUL("Graceful stop of the leader (SIGTERM)", "SIGTERM → successor runs the task",
			"median ≤ 100 ms, max ≤ 250 ms") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaScenarios.graceful(cluster, options, run);
		}
	},

	/**
	 * An operator hands leadership to a follower by name, {@code POST /actuator/handover} to
	 * the leader's actuator. The service's replicas only: the baseline has no such endpoint.
	 */
	HANDOVER("Handover to a named replica (operator request)", "request → the named replica runs the task",
			"≤ 250 ms") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws Exception {
			ReplicaScenarios.handover(cluster, options, run);
		}

		@Override
		boolean runsFor(Cluster.Candidate candidate) {
			return candidate == Cluster.Candidate.SERVICE;
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
			ReplicaScenarios.crash(cluster, options, run);
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
			ReplicaScenarios.crashReported(cluster, options, run);
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
			ReplicaScenarios.crashSilent(cluster, options, run);
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
			ReplicaScenarios.forceDelete(cluster, options, run);
		}
	},

	PARTITION("Silent partition of the leader", "last renewal → leader stops the task",
			"≤ renew deadline + 0.5 s (10.5 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ApiScenarios.cutOff(cluster, options, run, FaultProxy.Mode.BLACKHOLE);
		}
	},

	UNAVAILABLE("Leader's API answering 503", "last renewal → leader stops the task",
			"≤ renew deadline + 0.5 s (10.5 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ApiScenarios.cutOff(cluster, options, run, FaultProxy.Mode.UNAVAILABLE);
		}
	},

	API_DOWN("API server down for 25 s", "last renewal → leader stops the task", "≤ renew deadline + 0.5 s (10.5 s)") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ApiScenarios.apiDown(cluster, options, run);
		}
	},

	SKEW("Follower's wall clock 20 s ahead", "takeovers of the live Lease by the skewed follower", "0") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ApiScenarios.skew(cluster, options, run, faketime);
		}
	},

	ROLLING("Rolling restart, 3 rounds", "SIGTERM of the leader → successor runs the task", "≤ 250 ms") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ReplicaScenarios.rolling(cluster, options, run);
		}
	},

	DELETE("Lease deleted under the leader", "deletion → a leader runs the task again (0: it never stopped)",
			"old leader stops before anyone else starts") {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			ApiScenarios.leaseDeleted(cluster, options, run);
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
	},

	/**
	 * A rolling update of a Deployment, {@code maxSurge: 1, maxUnavailable: 0}, twice: the
	 * leader's pod deleted first, then last ({@link RolloutScenarios}); each move of
	 * leadership counted, and whether it landed on a pod of the old revision.
	 */
	ROLLOUT_SURGE("Rollout, maxSurge 1 / maxUnavailable 0", RolloutScenarios.KEY_LATENCY, RolloutScenarios.TARGET) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RolloutScenarios.rollouts(cluster, options, run, Rollout.Strategy.SURGE);
		}

		@Override
		Cluster.Pods pods() {
			return Cluster.Pods.READY_WITH_REPLICA;
		}
	},

	/** As {@link #ROLLOUT_SURGE}, {@code maxSurge: 0, maxUnavailable: 1}: each old pod deleted before its replacement. */
	ROLLOUT_UNAVAILABLE("Rollout, maxSurge 0 / maxUnavailable 1", RolloutScenarios.KEY_LATENCY, RolloutScenarios.TARGET) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RolloutScenarios.rollouts(cluster, options, run, Rollout.Strategy.UNAVAILABLE);
		}

		@Override
		Cluster.Pods pods() {
			return Cluster.Pods.READY_WITH_REPLICA;
		}
	},

	ROLES_ROLLOUT_SURGE("Roles: rollout, maxSurge 1 / maxUnavailable 0", RolloutScenarios.KEY_LATENCY, RolloutScenarios.TARGET,
			RoleScenarios.ROLES) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RolloutScenarios.rollouts(cluster, options, run, Rollout.Strategy.SURGE);
		}
	},

	ROLES_ROLLOUT_UNAVAILABLE("Roles: rollout, maxSurge 0 / maxUnavailable 1", RolloutScenarios.KEY_LATENCY, RolloutScenarios.TARGET,
			RoleScenarios.ROLES) {
		@Override
		void run(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
			RolloutScenarios.rollouts(cluster, options, run, Rollout.Strategy.UNAVAILABLE);
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

	/** Whether {@code candidate} runs this scenario: the baseline has no roles (nor an operator's handover). */
	boolean runsFor(Cluster.Candidate candidate) {
		return !isRoles() || candidate == Cluster.Candidate.SERVICE;
	}

}
