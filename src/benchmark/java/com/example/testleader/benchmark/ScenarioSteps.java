package com.example.testleader.benchmark;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import org.awaitility.core.ConditionTimeoutException;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;

import static org.awaitility.Awaitility.await;

/**
 * The steps the scenarios share: waiting for a leader or for the cluster to settle after a
 * fault, and reading from the run's events when the Lease was last renewed or how long one
 * replica took from one line to another. They wait with Awaitility and never pause.
 */
final class ScenarioSteps {

	private ScenarioSteps() {
	}

	/** Waits for a single leader again, up to two minutes; notes it if none comes. */
	static void settle(Cluster cluster, Run run) {
		try {
			cluster.awaitSettled();
		}
		catch (ConditionTimeoutException ex) {
			run.notes.add("no single leader within 2 minutes after the fault");
		}
	}

	static Event awaitLeading(Cluster cluster, long since, Predicate<String> replica, Duration timeout) {
		await().atMost(timeout)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> leadingSince(cluster, since, replica).isPresent());
		return leadingSince(cluster, since, replica).orElseThrow();
	}

	private static Optional<Event> leadingSince(Cluster cluster, long since, Predicate<String> replica) {
		return cluster.events.all()
			.stream()
			.filter((e) -> e.kind() == Kind.LEADING && e.nanos() >= since && replica.test(e.replica()))
			.findFirst();
	}

	/** When the benchmark last saw the Lease renewed by {@code leader} before {@code nanos}. */
	static long lastRenewal(Cluster cluster, ReplicaProcess leader, long nanos) {
		return cluster.events.lastRenewalBy(leader.name, nanos).map(Event::nanos).orElse(nanos);
	}

	static double since(Events events, String replica, Kind from, Kind to) {
		return events.last(replica, to)
			.flatMap((end) -> events.last(replica, from).map((start) -> Run.millis(end.nanos() - start.nanos())))
			.orElse(Double.NaN);
	}

}
