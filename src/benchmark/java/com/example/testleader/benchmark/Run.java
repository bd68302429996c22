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

	final List<String> notes = new ArrayList<>();

	long from;

	long to;

	double overlapMillis;

	double leaderlessMillis;

	List<Events.Event> events = List.of();

	List<Events.Window> windows = List.of();

	Run(Scenario scenario, Cluster.Candidate candidate, boolean cds) {
		this.scenario = scenario;
		this.candidate = candidate;
		this.cds = cds;
	}

	/** What the timeline picture shows before the measured span. */
	static final long LEAD_IN = 2_000_000_000L;

	/** Closes the measured span [from, now] and computes overlap and leaderless time in it. */
	void finish(Events events) {
		this.to = System.nanoTime();
		this.overlapMillis = events.overlap(this.from, this.to) / 1e6;
		this.leaderlessMillis = events.leaderless(this.from, this.to) / 1e6;
		this.events = events.all();
		this.windows = events.windows(this.to);
	}

	static double millis(long nanos) {
		return nanos / 1e6;
	}

}
