package com.example.testleader.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.awaitility.core.ConditionTimeoutException;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;
import com.example.testleader.faults.FaultProxy;

import static com.example.testleader.benchmark.ScenarioSteps.awaitLeading;
import static com.example.testleader.benchmark.ScenarioSteps.lastRenewal;
import static com.example.testleader.benchmark.ScenarioSteps.settle;
import static org.awaitility.Awaitility.await;

/**
 * The single-role scenarios that befall the API or a clock ({@link Scenario#PARTITION} to
 * {@link Scenario#SKEW}, and {@link Scenario#DELETE}): the leader cut off from the API, the
 * API down for every replica, a follower's clock ahead, the Lease deleted. As in
 * {@link ReplicaScenarios}, the pauses are the faults' own durations and the measurement
 * windows; waits for a state use Awaitility.
 */
final class ApiScenarios {

	private ApiScenarios() {
	}

	/**
	 * {@link Scenario#PARTITION} and {@link Scenario#UNAVAILABLE}: cuts the leader off with
	 * {@code mode} until it has stepped down and another replica leads, or 45 s (a leader that
	 * never steps down is reported so), then heals it.
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

	/** {@link Scenario#API_DOWN}: every replica's API down for 25 s → last renewal → the leader stops. */
	static void apiDown(Cluster cluster, Options options, Run run) throws InterruptedException {
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

	/** {@link Scenario#SKEW}: a follower started with its wall clock 20 s ahead; counts its takeovers over a minute. */
	static void skew(Cluster cluster, Options options, Run run, Optional<Path> faketime) throws InterruptedException {
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

	/** {@link Scenario#DELETE}: the Lease deleted under the leader → a leader runs the task again. */
	static void leaseDeleted(Cluster cluster, Options options, Run run) throws InterruptedException {
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

}
