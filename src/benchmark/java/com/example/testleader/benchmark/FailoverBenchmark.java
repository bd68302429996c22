package com.example.testleader.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The failover benchmark: every scenario, for this service and for fabric8's plain
 * LeaderElector, each run from a fresh in-process API and fresh replica processes. Prints
 * numbers and writes {@code results.md} and {@code timeline.png}; asserts nothing. Run it
 * with {@code ./mvnw -Pbenchmark verify} (see {@link Options} for the knobs).
 */
public final class FailoverBenchmark {

	private FailoverBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.fromSystemProperties();
		Optional<Path> faketime = options.scenarios().contains(Scenario.SKEW) ? libfaketime() : Optional.empty();
		// once per benchmark, not per replica: the training run is part of building an image
		Map<Boolean, ServiceJar> services = new HashMap<>();
		if (options.candidates().contains(Cluster.Candidate.SERVICE)) {
			for (boolean cds : options.cds()) {
				services.put(cds, cds ? ServiceJar.trained(options.jar(), options.serviceJvm(),
						options.jar().resolveSibling("cds"))
						: ServiceJar.packaged(options.jar(), options.serviceJvm()));
			}
		}
		List<Run> runs = new ArrayList<>();
		for (Scenario scenario : options.scenarios()) {
			for (Cluster.Candidate candidate : options.candidates().stream().filter(scenario::runsFor).toList()) {
				List<Boolean> variants = (candidate == Cluster.Candidate.SERVICE) ? options.cds() : List.of(false);
				for (boolean cds : variants) {
					for (int i = 1; i <= options.repeats(); i++) {
						runs.add(run(new Run(scenario, candidate, cds), services.get(cds), i, options, faketime));
					}
				}
			}
		}
		String command = System.getProperty("benchmark.command", "./mvnw -Pbenchmark verify");
		Report.write(runs, options, command);
		System.out.println(Report.markdown(runs, options, command));
		System.out.println("Wrote " + options.output().resolve("results.md") + " and "
				+ options.output().resolve("timeline.png"));
	}

	private static Run run(Run run, ServiceJar service, int index, Options options, Optional<Path> faketime)
			throws IOException {
		Scenario scenario = run.scenario;
		String variant = (run.candidate == Cluster.Candidate.SERVICE && !run.cds) ? "-nocds" : "";
		Path logs = options.output().resolve("logs")
			.resolve((scenario + "-" + run.candidate + variant + "-" + index).toLowerCase(Locale.ROOT));
		System.out.printf("== %s, %s, run %d of %d%n", scenario.title, Report.name(run), index, options.repeats());
		try (Cluster cluster = new Cluster(run.candidate, service, options, logs, scenario.pods(), scenario.roles())) {
			run.from = System.nanoTime();
			try {
				scenario.run(cluster, options, run, faketime);
				// a little more, so that a late second leader would still be caught
				Thread.sleep(3_000);
			}
			catch (Exception ex) {
				run.notes.add("run failed: " + ex);
			}
			run.finish(cluster.events);
			run.events.stream()
				.filter((e) -> e.kind() == Events.Kind.FAULT && e.detail().startsWith("API process exited"))
				.forEach((e) -> run.notes.add(String.format(Locale.ROOT, "%s at %+.1f s (0: the fault)", e.detail(),
						(e.nanos() - run.from) / 1e9)));
			Files.write(logs.resolve("events.tsv"), cluster.events.all()
				.stream()
				.map((e) -> String.format(Locale.ROOT, "%.3f\t%s\t%s\t%s\t%s", (e.nanos() - run.from) / 1e9, e.replica(),
						e.kind(), e.detail(), (e.role() != null) ? e.role() : ""))
				.toList());
		}
		System.out.printf("   key latency %s ms, overlap %.0f ms, leaderless %.0f ms %s %s%s%n", run.latencies,
				run.overlapMillis, run.leaderlessMillis, run.extras, run.counts.isEmpty() ? "" : run.counts + " ",
				run.notes);
		if (scenario.isRoles()) {
			System.out.printf("   per role: overlap %s ms, leaderless %s ms; moves (giver stops → receiver leads, ms) %s%n",
					run.overlapByRole, run.leaderlessByRole,
					run.moves.stream().map((m) -> m.role() + " " + Math.round(m.leaderlessMillis())).toList());
		}
		run.rollouts.forEach((rollout) -> System.out.println("   rollout, " + rollout.summary()));
		return run;
	}

	/** Debian's libfaketime, installed if missing (the skew scenario needs it). */
	private static Optional<Path> libfaketime() throws IOException, InterruptedException {
		Optional<Path> found = findLibfaketime();
		if (found.isEmpty()) {
			System.out.println("Installing Debian's faketime package for the clock-skew scenario");
			new ProcessBuilder("apt-get", "install", "-y", "-q", "faketime").inheritIO().start().waitFor();
			found = findLibfaketime();
		}
		return found;
	}

	private static Optional<Path> findLibfaketime() throws IOException {
		Path lib = Path.of("/usr/lib");
		if (!Files.isDirectory(lib)) {
			return Optional.empty();
		}
		try (Stream<Path> files = Files.walk(lib, 3)) {
			return files.filter((f) -> f.getFileName().toString().equals("libfaketime.so.1")).findFirst();
		}
	}

}
