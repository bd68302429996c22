package com.example.testleader.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one run of one scenario. A key latency of {@code NaN} means the event
 * never happened within the scenario (a leader that never stepped down).
 */
final class Run {

	final Scenario scenario;

	final Cluster.Candidate candidate;

	/** Whether the service ran on its CDS archive (never for the baseline). */
	final boolean cds;

	final List<Double> latencies = new ArrayList<>();

	final Map<String, Double> extras = new LinkedHashMap<>();

	/** Whether something held in this run; reported as in how many runs it did. */
	final Map<String, Boolean> counts = new LinkedHashMap<>();

	final List<String> notes = new ArrayList<>();

	long from;

	long to;

	/** Overlap in the measured span, summed over the scenario's roles (with one role, its own). */
	double overlapMillis;

	/** Leaderless time in the measured span, summed over the scenario's roles. */
	double leaderlessMillis;

	/** Overlap of each role, in the roles' order. */
	final Map<String, Double> overlapByRole = new LinkedHashMap<>();

	/** Leaderless time of each role, in the roles' order. */
	final Map<String, Double> leaderlessByRole = new LinkedHashMap<>();

	/** How leadership moved in each rollout of a rollout scenario, in the order run. */
	final List<RolloutMoves> rollouts = new ArrayList<>();

	/** The balancing moves offered in the measured span. */
	List<Balance.Move> moves = List.of();

	List<Events.Event> events = List.of();

	List<Events.Window> windows = List.of();

	Run(Scenario scenario, Cluster.Candidate candidate, boolean cds) {
		this.scenario = scenario;
		this.candidate = candidate;
		this.cds = cds;
	}

	/** What the timeline picture shows before the measured span. */
	static final long LEAD_IN = 2_000_000_000L;

	/**
	 * Closes the measured span [from, now] and computes overlap and leaderless time in it,
	 * per role and summed, and the balancing moves offered in it.
	 */
	void finish(Events events) {
		this.to = System.nanoTime();
		for (String role : this.scenario.roles()) {
			this.overlapByRole.put(role, events.overlap(role, this.from, this.to) / 1e6);
			this.leaderlessByRole.put(role, events.leaderless(role, this.from, this.to) / 1e6);
		}
		this.overlapMillis = this.overlapByRole.values().stream().mapToDouble(Double::doubleValue).sum();
		this.leaderlessMillis = this.leaderlessByRole.values().stream().mapToDouble(Double::doubleValue).sum();
		this.events = events.all();
		this.windows = events.windows(this.to);
		this.moves = Balance.moves(this.events).stream().filter((m) -> m.offered() >= this.from).toList();
	}

	static double millis(long nanos) {
		return nanos / 1e6;
	}

	/** The median of {@code values}, leaving out {@code NaN} (never happened); {@code NaN} if none is left. */
	static double median(List<Double> values) {
		List<Double> sorted = values.stream().filter((v) -> !v.isNaN()).sorted().toList();
		if (sorted.isEmpty()) {
			return Double.NaN;
		}
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

}
