package com.example.testleader.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;

/**
 * Writes the report: {@code results.md}, whose introduction, results table (key latency,
 * overlap and leaderless time per scenario and column), other figures and notes are made
 * here, with the roles part from {@link RolesTable} and the rollouts part from
 * {@link RolloutTable}; and {@code timeline.png}, drawn by
 * {@link Timeline}.
 */
final class Report {

	private Report() {
	}

	static void write(List<Run> runs, Options options, String command) throws IOException {
		Files.createDirectories(options.output());
		Files.writeString(options.output().resolve("results.md"), markdown(runs, options, command));
		ImageIO.write(Timeline.draw(runs), "png", options.output().resolve("timeline.png").toFile());
	}

	static String markdown(List<Run> runs, Options options, String command) {
		List<Column> columns = columns(options);
		boolean both = options.cds().size() > 1;
		String names = String.join(" / ", columns.stream().map(Column::name).toList());
		StringBuilder md = new StringBuilder();
		md.append("# Failover benchmark\n\n");
		md.append("Run ").append(Instant.now()).append(" with `").append(command).append("`: ")
			.append(options.replicas()).append(" replicas, ").append(options.repeats())
			.append(" runs per scenario, lease 15 s / renew deadline 10 s / retry 2 s, on ")
			.append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
			.append(System.getProperty("java.version")).append(". Replicas run in pods of a kubelet stand-in that reports a ")
			.append("container's exit after ").append(options.kubeletDelay().toMillis()).append(" ms (not in the scenario ")
			.append("with early takeover off). ").append(serviceStart(options))
			.append(" Baseline: fabric8 7.3.1 `LeaderElector`, same timings, ")
			.append("release on cancel. Latencies in ms, median / max over all runs (\"never\" = the event did not ")
			.append("happen while the fault lasted); ratio = service ÷ baseline (medians)")
			.append(both ? "; CDS ÷ no CDS = test-leader ÷ test-leader, no CDS (medians)" : "").append(".")
			.append(RolesTable.method(options)).append("\n\n");
		md.append("| Scenario | Key latency | Target | ").append(String.join(" | ", columns.stream().map(Column::name).toList()))
			.append(" | ratio | ").append(both ? "CDS ÷ no CDS | " : "").append("Overlap, ms (").append(names)
			.append(") | Leaderless per run, ms median (").append(names).append(") |\n");
		md.append("| --- | --- | --- |").append(" --- |".repeat(columns.size() + (both ? 4 : 3))).append('\n');
		for (Scenario scenario : options.scenarios()) {
			List<List<Run>> of = columns.stream().map((column) -> column.runs(runs, scenario)).toList();
			md.append("| ").append(scenario.title).append(" | ").append(scenario.keyLatency).append(" | ")
				.append(scenario.target).append(" | ");
			of.forEach((column) -> md.append(latencies(column)).append(" | "));
			md.append(ratio(medianLatency(of.get(0)), medianLatency(of.get(of.size() - 1)))).append(" | ");
			if (both) {
				md.append(ratio(medianLatency(of.get(0)), medianLatency(of.get(1)))).append(" | ");
			}
			md.append(String.join(" / ", of.stream().map(Report::overlap).toList())).append(" | ")
				.append(String.join(" / ",
						of.stream()
							.map((column) -> format(Run.median(column.stream().map((r) -> r.leaderlessMillis).toList())))
							.toList()))
				.append(" |\n");
		}
		md.append("\n| Other figures (median over runs) | ").append(String.join(" | ", columns.stream().map(Column::name).toList()))
			.append(" | ratio |").append(both ? " CDS ÷ no CDS |" : "").append("\n| --- |")
			.append(" --- |".repeat(columns.size() + (both ? 2 : 1))).append('\n');
		for (Scenario scenario : options.scenarios()) {
			Set<String> extras = new LinkedHashSet<>();
			runs.stream().filter((r) -> r.scenario == scenario).forEach((r) -> extras.addAll(r.extras.keySet()));
			for (String extra : extras) {
				List<Double> values = columns.stream().map((column) -> extra(column.runs(runs, scenario), extra)).toList();
				md.append("| ").append(scenario.title).append(": ").append(extra).append(" | ");
				values.forEach((value) -> md.append(format(value)).append(" | "));
				md.append(ratio(values.get(0), values.get(values.size() - 1))).append(" |");
				if (both) {
					md.append(' ').append(ratio(values.get(0), values.get(1))).append(" |");
				}
				md.append('\n');
			}
			Set<String> counts = new LinkedHashSet<>();
			runs.stream().filter((r) -> r.scenario == scenario).forEach((r) -> counts.addAll(r.counts.keySet()));
			for (String count : counts) {
				md.append("| ").append(scenario.title).append(": ").append(count).append(", runs | ");
				columns.forEach((column) -> md.append(count(column.runs(runs, scenario), count)).append(" | "));
				md.append("— |").append(both ? " — |" : "").append('\n');
			}
		}
		md.append(RolesTable.table(runs, options, columns));
		md.append(RolloutTable.table(runs, options, columns));
		List<String> notes = new ArrayList<>();
		runs.forEach((run) -> run.notes.forEach((note) -> notes.add(run.scenario.title + " / " + name(run) + ": " + note)));
		if (!notes.isEmpty()) {
			md.append("\nNotes:\n\n");
			new LinkedHashSet<>(notes).forEach((note) -> md.append("- ").append(note).append('\n'));
		}
		md.append("\n![timeline](timeline.png)\n");
		return md.toString();
	}

	/** The columns: the service as it ran (with its CDS archive, without, or both), then the baseline. */
	private static List<Column> columns(Options options) {
		List<Column> columns = new ArrayList<>();
		options.cds().forEach((cds) -> columns.add(new Column(Cluster.Candidate.SERVICE, cds)));
		columns.add(new Column(Cluster.Candidate.BASELINE, false));
		return columns;
	}

	private static String serviceStart(Options options) {
		String how;
		if (options.cds().size() > 1) {
			how = "The service runs both ways (`benchmark.cds=both`): from its jar extracted, on the class data sharing "
					+ "archive of one training run (test-leader), and from the packaged jar (test-leader, no CDS)";
		}
		else if (options.cds().get(0)) {
			how = "The service runs from its jar extracted, on the class data sharing archive of one training run "
					+ "(`benchmark.cds=true`)";
		}
		else {
			how = "The service runs from the packaged jar, without class data sharing (`benchmark.cds=false`)";
		}
		return how + ", with `" + String.join(" ", options.serviceJvm()) + "`"
				+ (options.jvmOptions().isEmpty() ? "." : " (the baseline without the last "
						+ options.jvmOptions().size() + ").");
	}

	/** A column of the tables: the runs of one candidate, the service with or without its CDS archive. */
	record Column(Cluster.Candidate candidate, boolean cds) {

		String name() {
			return Report.name(this.candidate, this.cds);
		}

		List<Run> runs(List<Run> runs, Scenario scenario) {
			return runs.stream()
				.filter((r) -> r.scenario == scenario && r.candidate == this.candidate && r.cds == this.cds)
				.toList();
		}

	}

	private static String latencies(List<Run> runs) {
		List<Double> all = runs.stream().flatMap((r) -> r.latencies.stream()).toList();
		if (all.isEmpty()) {
			return runs.isEmpty() ? "not run" : "—";
		}
		long never = all.stream().filter((v) -> v.isNaN()).count();
		List<Double> measured = all.stream().filter((v) -> !v.isNaN()).sorted().toList();
		String figures = measured.isEmpty() ? ""
				: format(Run.median(measured)) + " / " + format(measured.get(measured.size() - 1));
		if (never > 0) {
			figures += (figures.isEmpty() ? "" : ", ") + "never in " + never + " of " + all.size();
		}
		return figures;
	}

	private static double medianLatency(List<Run> runs) {
		return Run.median(runs.stream().flatMap((r) -> r.latencies.stream()).toList());
	}

	private static String overlap(List<Run> runs) {
		if (runs.isEmpty()) {
			return "—";
		}
		double total = runs.stream().mapToDouble((r) -> r.overlapMillis).sum();
		long with = runs.stream().filter((r) -> r.overlapMillis > 0).count();
		return format(total) + ((with > 0) ? " (" + with + " of " + runs.size() + " runs)" : "");
	}

	private static double extra(List<Run> runs, String name) {
		return Run.median(
				runs.stream().filter((r) -> r.extras.containsKey(name)).map((r) -> r.extras.get(name)).toList());
	}

	/** In how many of the runs that tell whether {@code name} held it did: "k of n". */
	private static String count(List<Run> runs, String name) {
		List<Boolean> told = runs.stream()
			.filter((r) -> r.counts.containsKey(name))
			.map((r) -> r.counts.get(name))
			.toList();
		return told.isEmpty() ? "—" : told.stream().filter(Boolean::booleanValue).count() + " of " + told.size();
	}

	private static String ratio(double service, double baseline) {
		if (Double.isNaN(service) || Double.isNaN(baseline) || baseline == 0) {
			return "—";
		}
		return String.format(Locale.ROOT, "%.2f", service / baseline);
	}

	static String format(double value) {
		if (Double.isNaN(value)) {
			return "—";
		}
		return (value >= 100 || value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

	static String name(Run run) {
		return name(run.candidate, run.cds);
	}

	private static String name(Cluster.Candidate candidate, boolean cds) {
		return (candidate == Cluster.Candidate.BASELINE) ? "baseline" : cds ? "test-leader" : "test-leader, no CDS";
	}

}
