package com.example.testleader.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What to run, from system properties: {@code benchmark.jar} (the packaged service),
 * {@code benchmark.repeats} (3), {@code benchmark.replicas} (3), {@code benchmark.scenarios}
 * (all, or a comma-separated list), {@code benchmark.candidates} (service,baseline),
 * {@code benchmark.steady} (60s: the window for API load), {@code benchmark.warm-up} (20s:
 * after start-up, before a fault), {@code benchmark.kubelet-delay} (1s: how long the kubelet
 * stand-in takes to report a container's exit, the kubelet's relist period; {@code 0.5s}
 * for half a second), {@code benchmark.cds} (true: the service's replicas start on a class
 * data sharing archive, see {@link ServiceJar}; false: from the packaged jar; both: each
 * scenario runs the service both ways), {@code benchmark.jvm-options} (none: more options for
 * the service's JVMs, space-separated, e.g. a pod's {@code JAVA_TOOL_OPTIONS}) and
 * {@code benchmark.output} (benchmark-results).
 *
 * @param cds how the service runs, in the order run: {@code [true]}, {@code [false]} or both
 */
record Options(Path jar, int repeats, int replicas, List<Scenario> scenarios, List<Cluster.Candidate> candidates,
		List<Boolean> cds, List<String> jvmOptions, Duration steady, Duration warmUp, Duration kubeletDelay,
		Path output) {

	static Options fromSystemProperties() {
		String scenarios = System.getProperty("benchmark.scenarios", "all");
		return new Options(Path.of(required("benchmark.jar")), Integer.getInteger("benchmark.repeats", 3),
				Integer.getInteger("benchmark.replicas", 3),
				scenarios.equals("all") ? List.of(Scenario.values()) : parse(scenarios, Scenario.class),
				parse(System.getProperty("benchmark.candidates", "service,baseline"), Cluster.Candidate.class),
				cds(System.getProperty("benchmark.cds", "true")),
				Arrays.stream(System.getProperty("benchmark.jvm-options", "").trim().split("\\s+"))
					.filter((option) -> !option.isEmpty())
					.toList(),
				duration("benchmark.steady", "60s"), duration("benchmark.warm-up", "20s"),
				duration("benchmark.kubelet-delay", "1s"),
				Path.of(System.getProperty("benchmark.output", "benchmark-results")));
	}

	private static List<Boolean> cds(String value) {
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "true" -> List.of(true);
			case "false" -> List.of(false);
			case "both" -> List.of(true, false);
			default -> throw new IllegalArgumentException(
					"benchmark.cds must be true, false or both, not '" + value + "'");
		};
	}

	private static Duration duration(String name, String fallback) {
		return Duration.parse("PT" + System.getProperty(name, fallback).toUpperCase(Locale.ROOT));
	}

	private static String required(String name) {
		String value = System.getProperty(name);
		if (value == null) {
			throw new IllegalArgumentException("Set -D" + name);
		}
		return value;
	}

	private static <E extends Enum<E>> List<E> parse(String list, Class<E> type) {
		return Arrays.stream(list.split(","))
			.map(String::trim)
			.map((name) -> Enum.valueOf(type, name.toUpperCase(Locale.ROOT).replace('-', '_')))
			.toList();
	}

}
