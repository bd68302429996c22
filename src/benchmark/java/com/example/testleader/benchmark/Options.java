package com.example.testleader.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.example.testleader.deploy.PodJvm;

/**
 * What to run, from system properties: {@code benchmark.jar} (the packaged service),
 * {@code benchmark.repeats} (3), {@code benchmark.replicas} (3), {@code benchmark.scenarios}
 * (all, or a comma-separated list), {@code benchmark.candidates} (service,baseline),
 * {@code benchmark.steady} (60s: the window for API load), {@code benchmark.warm-up} (20s:
 * after start-up, before a fault), {@code benchmark.kubelet-delay} (1s: how long the kubelet
 * stand-in takes to report a container's exit, the kubelet's relist period; {@code 0.5s}
 * for half a second), {@code benchmark.cds} (true: the service's replicas start on a class
 * data sharing archive, see {@link ServiceJar}; false: from the packaged jar; both: each
 * scenario runs the service both ways), {@code benchmark.jvm} (pod: both candidates' JVMs get
 * the options a pod of {@code k8s/deployment.yaml} gives its JVM, see {@link PodJvm}; plain:
 * {@code -Xmx256m} only, as before), {@code benchmark.jvm-options} (none: more options for the
 * service's JVMs, after those, space-separated; the last of two like options wins) and
 * {@code benchmark.output} (benchmark-results).
 *
 * @param cds how the service runs, in the order run: {@code [true]}, {@code [false]} or both
 * @param jvm the options of both candidates' JVMs
 * @param jvmOptions more options for the service's JVMs
 */
record Options(Path jar, int repeats, int replicas, List<Scenario> scenarios, List<Cluster.Candidate> candidates,
		List<Boolean> cds, List<String> jvm, List<String> jvmOptions, Duration steady, Duration warmUp,
		Duration kubeletDelay, Path output) {

	static Options fromSystemProperties() {
		String scenarios = System.getProperty("benchmark.scenarios", "all");
		return new Options(Path.of(required("benchmark.jar")), Integer.getInteger("benchmark.repeats", 3),
				Integer.getInteger("benchmark.replicas", 3),
				scenarios.equals("all") ? List.of(Scenario.values()) : parse(scenarios, Scenario.class),
				parse(System.getProperty("benchmark.candidates", "service,baseline"), Cluster.Candidate.class),
				cds(System.getProperty("benchmark.cds", "true")), jvm(System.getProperty("benchmark.jvm", "pod")),
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

	/**
	 * The pod's JVM by default: its start-up time and memory depend on the processor count and
	 * memory it is given (one CPU: the serial collector, fewer compiler threads; a 512Mi limit:
	 * an initial heap of 8 MB rather than 1/64 of this machine), so a JVM sized to this machine
	 * would be measured instead of the one that runs.
	 */
	private static List<String> jvm(String value) {
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "pod" -> {
				try {
					yield PodJvm.fromManifest().outsideAContainer();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			case "plain" -> List.of("-Xmx256m");
			default -> throw new IllegalArgumentException("benchmark.jvm must be pod or plain, not '" + value + "'");
		};
	}

	/** The service's JVM options: {@link #jvm()}, then {@link #jvmOptions()}. */
	List<String> serviceJvm() {
		List<String> options = new ArrayList<>(this.jvm);
		options.addAll(this.jvmOptions);
		return options;
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
