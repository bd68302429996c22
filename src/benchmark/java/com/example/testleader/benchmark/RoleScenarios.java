package com.example.testleader.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.awaitility.core.ConditionTimeoutException;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;

import static org.awaitility.Awaitility.await;

/**
 * The roles scenarios ({@link Scenario#ROLES_STARTUP} and the rest): the service's replicas
 * run the demo work under {@link #ROLES}, one Lease each, in pods reported ready once the
 * replica says it is, and the service spreads the roles over those pods. Whether and when
 * the roles are balanced is judged from the replicas' own lines ({@link Balance}). As in
 * {@link ReplicaScenarios}, the pauses are measurement windows; waits for a state use Awaitility.
 */
final class RoleScenarios {

	/** The roles, those of the local mode: the default one first, which the first replica keeps. */
	static final List<String> ROLES = List.of(Events.DEFAULT_ROLE, "billing", "reports", "mailer", "indexer",
			"cleanup");

	/**
	 * How long a balance must last to count: longer than an offer may stay unanswered
	 * (three retry periods), so that a move still under way would be seen.
	 */
	static final Duration HOLD = Duration.ofSeconds(10);

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	private RoleScenarios() {
	}

	/** All replicas start at once: last ready → balanced, then the API load in that balance. */
	static void startup(Cluster cluster, Options options, Run run) throws InterruptedException {
		List<ReplicaProcess> replicas = startReady(cluster, options.replicas());
		Events events = cluster.events;
		List<Event> ready = events.all().stream().filter((e) -> e.kind() == Kind.READY).toList();
		run.from = ready.stream().mapToLong(Event::nanos).min().orElseThrow();
		long lastReady = ready.stream().mapToLong(Event::nanos).max().orElseThrow();
		Optional<Long> balanced = awaitBalanced(cluster, run);
		run.latencies.add(balanced.map((at) -> Run.millis(Math.max(0, at - lastReady))).orElse(Double.NaN));
		events.last(null, Kind.POD_READY).ifPresent((report) -> balanced.ifPresent(
				(at) -> run.extras.put("last pod reported ready → balanced, ms", Run.millis(at - report.nanos()))));
		run.extras.put("process start → ready, ms (median)", Run.median(replicas.stream()
			.map((r) -> ScenarioSteps.since(events, r.name, Kind.STARTED, Kind.READY))
			.toList()));
		steadyLoad(cluster, options, run, balanced);
	}

	/**
	 * SIGKILL of the replica running the default role, in a pod whose exit the kubelet
	 * reports: each of its roles → run again elsewhere; the kill → balanced over the others.
	 */
	static void crash(Cluster cluster, Options options, Run run) throws InterruptedException {
		startBalanced(cluster, options, options.replicas());
		ReplicaProcess victim = cluster.leader().orElseThrow();
		List<String> itsRoles = rolesOf(cluster, victim);
		run.from = System.nanoTime();
		long kill = System.nanoTime();
		victim.kill();
		List<Double> again = new ArrayList<>();
		for (String role : itsRoles) {
			again.add(Run.millis(awaitLeading(cluster, role, kill, victim).nanos() - kill));
		}
		run.latencies.addAll(again);
		run.extras.put("SIGKILL → all its roles run again, ms", again.stream().mapToDouble(Double::doubleValue).max()
			.orElse(Double.NaN));
		Optional<Long> balanced = awaitBalanced(cluster, run);
		balanced.ifPresent((at) -> run.extras.put("SIGKILL → balanced again, ms", Run.millis(at - kill)));
		cluster.events.firstAfter(kill, Kind.REPORTED, "")
			.filter((e) -> e.replica().equals(victim.name))
			.ifPresent((report) -> balanced.ifPresent(
					(at) -> run.extras.put("kubelet's report → balanced again, ms", Run.millis(at - report.nanos()))));
	}

	/** One replica fewer started first, then one more: the new one ready → balanced. */
	static void scaleUp(Cluster cluster, Options options, Run run) throws InterruptedException {
		startBalanced(cluster, options, options.replicas() - 1);
		run.from = System.nanoTime();
		ReplicaProcess fresh = cluster.start("replica-" + options.replicas(), Map.of());
		Event ready = awaitReady(cluster, fresh);
		Optional<Long> balanced = awaitBalanced(cluster, run);
		run.latencies.add(balanced.map((at) -> Run.millis(at - ready.nanos())).orElse(Double.NaN));
		cluster.events.all()
			.stream()
			.filter((e) -> e.kind() == Kind.POD_READY && e.replica().equals(fresh.name))
			.findFirst()
			.ifPresent((report) -> balanced.ifPresent(
					(at) -> run.extras.put("new pod reported ready → balanced, ms", Run.millis(at - report.nanos()))));
	}

	/**
	 * The pod of the replica running the default role deleted (marked, then SIGTERM): each of
	 * its roles, handed over as it leaves, → run elsewhere; the signal → balanced again.
	 */
	static void graceful(Cluster cluster, Options options, Run run) throws InterruptedException {
		startBalanced(cluster, options, options.replicas());
		ReplicaProcess leaver = cluster.leader().orElseThrow();
		List<String> itsRoles = rolesOf(cluster, leaver);
		run.from = System.nanoTime();
		long signal = System.nanoTime();
		cluster.deletePod(leaver);
		leaver.terminate();
		List<Double> gaps = new ArrayList<>();
		for (String role : itsRoles) {
			Event next = awaitLeading(cluster, role, signal, leaver);
			run.latencies.add(Run.millis(next.nanos() - signal));
			cluster.events.all()
				.stream()
				.filter((e) -> e.kind() == Kind.STOPPED && e.replica().equals(leaver.name) && role.equals(e.role())
						&& e.nanos() >= signal)
				.findFirst()
				.ifPresent((stopped) -> gaps.add(Run.millis(next.nanos() - stopped.nanos())));
		}
		run.extras.put("a role handed over: its work stops → the successor's starts, ms (median)",
				Run.median(gaps));
		leaver.awaitExit(Duration.ofSeconds(60));
		awaitBalanced(cluster, run)
			.ifPresent((at) -> run.extras.put("SIGTERM → balanced again, ms", Run.millis(at - signal)));
	}

	/** Starts replica-1..count and waits until each has said it is ready. */
	private static List<ReplicaProcess> startReady(Cluster cluster, int count) {
		List<ReplicaProcess> replicas = new ArrayList<>();
		for (int i = 1; i <= count; i++) {
			replicas.add(cluster.start("replica-" + i, Map.of()));
		}
		replicas.forEach((replica) -> awaitReady(cluster, replica));
		return replicas;
	}

	/**
	 * Starts replica-1..count, waits for the roles to be balanced, lets the JVMs warm up as
	 * {@link Cluster#startAll} does, and waits for the balance again.
	 */
	private static void startBalanced(Cluster cluster, Options options, int count) throws InterruptedException {
		startReady(cluster, count);
		awaitBalancedNow(cluster);
		Thread.sleep(options.warmUp().toMillis());
		awaitBalancedNow(cluster);
	}

	private static Event awaitReady(Cluster cluster, ReplicaProcess replica) {
		await().atMost(TIMEOUT).until(() -> cluster.events.last(replica.name, Kind.READY).isPresent());
		return cluster.events.last(replica.name, Kind.READY).orElseThrow();
	}

	private static void awaitBalancedNow(Cluster cluster) {
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> Balance.balancedSince(cluster.events.all(), cluster.roles(), System.nanoTime()).isPresent());
	}

	/**
	 * Waits for the roles to be balanced, then {@link #HOLD} more: when the balance that
	 * still holds then began, or empty (noted) if none does.
	 */
	static Optional<Long> awaitBalanced(Cluster cluster, Run run) throws InterruptedException {
		try {
			awaitBalancedNow(cluster);
		}
		catch (ConditionTimeoutException ex) {
			run.notes.add("the roles were not balanced within " + TIMEOUT.toSeconds() + " s");
			return Optional.empty();
		}
		Thread.sleep(HOLD.toMillis());
		Optional<Long> since = Balance.balancedSince(cluster.events.all(), cluster.roles(), System.nanoTime());
		if (since.isEmpty()) {
			run.notes.add("the roles were balanced, but no longer " + HOLD.toSeconds() + " s later");
		}
		return since;
	}

	/**
	 * The API requests of each replica through its proxy over the steady window, the roles
	 * balanced throughout (noted otherwise): per replica, and per role it runs.
	 */
	private static void steadyLoad(Cluster cluster, Options options, Run run, Optional<Long> balanced)
			throws InterruptedException {
		List<Double> perReplica = new ArrayList<>();
		List<Double> perRole = new ArrayList<>();
		cluster.requestsPerMinute(options.steady()).forEach((replica, perMinute) -> {
			perReplica.add(perMinute);
			int held = rolesOf(cluster, replica).size();
			if (held > 0) {
				perRole.add(perMinute / held);
			}
		});
		if (!Balance.balancedSince(cluster.events.all(), cluster.roles(), System.nanoTime()).equals(balanced)) {
			run.notes.add("the balance changed during the steady window");
		}
		run.extras.put("API requests/min per replica (median)", Run.median(perReplica));
		run.extras.put("API requests/min per replica (max)",
				perReplica.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
		run.extras.put("API requests/min per role run (median)", Run.median(perRole));
		run.extras.put("resident memory, MiB (median)",
				Run.median(cluster.replicas().stream().map(ReplicaProcess::residentMegabytes).toList()));
	}

	/** The roles {@code replica} runs now. */
	private static List<String> rolesOf(Cluster cluster, ReplicaProcess replica) {
		return cluster.roles().stream().filter((role) -> cluster.events.leaders(role).contains(replica.name)).toList();
	}

	/** The first {@code LEADING} of {@code role} since {@code since} by a replica other than {@code not}. */
	private static Event awaitLeading(Cluster cluster, String role, long since, ReplicaProcess not) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> leadingSince(cluster, role, since, not).isPresent());
		return leadingSince(cluster, role, since, not).orElseThrow();
	}

	private static Optional<Event> leadingSince(Cluster cluster, String role, long since, ReplicaProcess not) {
		return cluster.events.all()
			.stream()
			.filter((e) -> e.kind() == Kind.LEADING && e.nanos() >= since && role.equals(e.role())
					&& !e.replica().equals(not.name))
			.findFirst();
	}

}
