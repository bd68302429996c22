package com.example.testleader.benchmark;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;

import static com.example.testleader.benchmark.Run.median;
import static com.example.testleader.benchmark.ScenarioSteps.awaitLeading;
import static com.example.testleader.benchmark.ScenarioSteps.lastRenewal;
import static com.example.testleader.benchmark.ScenarioSteps.settle;
import static com.example.testleader.benchmark.ScenarioSteps.since;
import static org.awaitility.Awaitility.await;

/**
 * The single-role scenarios that befall the leader's process or its pod, or that an operator
 * asks of it ({@link Scenario#STARTUP} to {@link Scenario#FORCE_DELETE}, and
 * {@link Scenario#ROLLING}): each starts the replicas, stops, kills or deletes the leader, or
 * asks it to hand over, and records its key latency and other figures in the
 * {@link Run}; overlap and leaderless time are computed afterwards from the critical windows.
 * The pauses are the faults' own durations and the measurement windows, not waits for
 * something to happen (those use Awaitility).
 */
final class ReplicaScenarios {

	private ReplicaScenarios() {
	}

	/** {@link Scenario#STARTUP}: all replicas start at once; the first ready → leading, then API load and memory. */
	static void startup(Cluster cluster, Options options, Run run) throws InterruptedException {
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

	/** {@link Scenario#GRACEFUL}: SIGTERM of the leader → the successor leads. */
	static void graceful(Cluster cluster, Options options, Run run) throws InterruptedException {
		ReplicaProcess leader = cluster.startAll(options.replicas());
		run.from = System.nanoTime();
		long signal = System.nanoTime();
		leader.terminate();
		Event next = awaitLeading(cluster, signal, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
		run.latencies.add(Run.millis(next.nanos() - signal));
		leader.awaitExit(Duration.ofSeconds(60));
	}

	/**
	 * {@link Scenario#HANDOVER}: an operator asks the leader to hand leadership to the first
	 * follower by name → that follower leads. The leader's actuator is probed first, as the
	 * kubelet's probes would have by then, so that the request measured is not its first.
	 */
	static void handover(Cluster cluster, Options options, Run run) throws IOException, InterruptedException {
		ReplicaProcess leader = cluster.startAll(options.replicas());
		ReplicaProcess named = cluster.replicas()
			.stream()
			.filter((r) -> r != leader)
			.min(Comparator.comparing((ReplicaProcess r) -> r.name))
			.orElseThrow();
		for (int i = 0; i < 3; i++) {
			int probe = leader.probeReadiness();
			if (probe != 200) {
				run.notes.add("the leader's readiness probe answered " + probe);
			}
		}
		run.from = System.nanoTime();
		long sent = System.nanoTime();
		HttpResponse<String> answer = leader.handOverTo(named.name);
		run.extras.put("request → answer, ms", Run.millis(System.nanoTime() - sent));
		run.counts.put("answered 202", answer.statusCode() == 202);
		if (answer.statusCode() != 202) {
			run.notes.add("the handover to " + named.name + " was answered " + answer.statusCode() + ": "
					+ answer.body());
			run.latencies.add(Double.NaN);
			return;
		}
		Event next = awaitLeading(cluster, sent, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
		boolean another = !next.replica().equals(named.name);
		run.counts.put("another replica than the one named took over", another);
		if (another) {
			run.notes.add(next.replica() + " took over, not " + named.name + " as asked, "
					+ Math.round(Run.millis(next.nanos() - sent)) + " ms after the request");
		}
		run.latencies.add(another ? Double.NaN : Run.millis(next.nanos() - sent));
	}

	/** {@link Scenario#CRASH}: SIGKILL of the leader, no pods → last renewal → the successor leads. */
	static void crash(Cluster cluster, Options options, Run run) throws InterruptedException {
		ReplicaProcess leader = cluster.startAll(options.replicas());
		run.from = System.nanoTime();
		long kill = System.nanoTime();
		leader.kill();
		Event next = awaitLeading(cluster, kill, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
		run.latencies.add(Run.millis(next.nanos() - lastRenewal(cluster, leader, kill)));
	}

	/** {@link Scenario#CRASH_REPORTED}: SIGKILL of the leader, reported by the kubelet → the successor leads. */
	static void crashReported(Cluster cluster, Options options, Run run) throws InterruptedException {
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

	/** {@link Scenario#CRASH_SILENT}: the leader's node lost, then SIGKILL → last renewal → the successor leads. */
	static void crashSilent(Cluster cluster, Options options, Run run) throws InterruptedException {
		ReplicaProcess leader = cluster.startAll(options.replicas());
		run.from = System.nanoTime();
		cluster.loseNode(leader);
		long kill = System.nanoTime();
		leader.kill();
		Event next = awaitLeading(cluster, kill, (r) -> !r.equals(leader.name), Duration.ofSeconds(60));
		run.latencies.add(Run.millis(next.nanos() - lastRenewal(cluster, leader, kill)));
	}

	/** {@link Scenario#FORCE_DELETE}: the leader's pod force-deleted while it runs, SIGKILL a lease and more later. */
	static void forceDelete(Cluster cluster, Options options, Run run) throws InterruptedException {
		ReplicaProcess leader = cluster.startAll(options.replicas());
		run.from = System.nanoTime();
		long deletion = System.nanoTime();
		cluster.forceDeletePod(leader);
		// the measurement window: a takeover on the deletion would come within it
		Thread.sleep(Scenario.LEASE.plusSeconds(5).toMillis());
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

	/**
	 * {@link Scenario#ROLLING}: three rounds of a rolling restart, each new replica first; each
	 * SIGTERM of the leader → the successor leads.
	 */
	static void rolling(Cluster cluster, Options options, Run run) throws InterruptedException {
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

}
