package com.example.testleader.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * How the service's replicas start: the packaged jar as it is, or the Spring Boot way with
 * class data sharing (CDS): the jar extracted ({@code -Djarmode=tools extract}), one training
 * run that archives the classes loaded until the application context has refreshed, then
 * every replica started on that archive. The image makes its own training run at build time
 * (Paketo's {@code BP_JVM_AOTCACHE_ENABLED}, with the pom's
 * {@code TRAINING_RUN_JAVA_TOOL_OPTIONS}, {@code -cp runner.jar} and the start class), which
 * {@code CdsTrainingRunIT} reproduces; this one differs only in how the same classes are
 * named (with {@code -jar}) and in its JVM options, the replicas' own.
 *
 * <p>
 * The training run exits as soon as the context has refreshed
 * ({@code -Dspring.context.exit=onRefresh} halts the JVM before any lifecycle bean starts):
 * the elector, the web servers and the critical work never start, so the API server it is
 * pointed at is never called, and nothing listens there. It gets the environment of a
 * replica in a pod (POD_UID too), so that it loads what a replica loads up to the refresh.
 * Classes first loaded after it (the elector's running parts, the management server) are
 * not archived.
 */
final class ServiceJar {

	/**
	 * The replicas' standard arguments. The operator endpoints are open to the benchmark on
	 * this machine whatever the environment it inherits: unset, the mode would follow
	 * KUBERNETES_SERVICE_HOST, which a benchmark run inside a pod would pass on.
	 */
	private static final List<String> ARGUMENTS = List.of("--spring.main.cloud-platform=kubernetes",
			"--server.port=0", "--test-leader.operator.auth=loopback", "--spring.main.banner-mode=off");

	private final Path jar;

	private final List<String> jvmOptions;

	private final Optional<Path> archive;

	private ServiceJar(Path jar, List<String> jvmOptions, Optional<Path> archive) {
		this.jar = jar;
		this.jvmOptions = jvmOptions;
		this.archive = archive;
	}

	/** The packaged jar, started with {@code java -jar} and {@code jvmOptions}. */
	static ServiceJar packaged(Path jar, List<String> jvmOptions) {
		return new ServiceJar(jar, jvmOptions, Optional.empty());
	}

	/**
	 * Extracts {@code packaged} into {@code directory} (emptied first) and makes the training
	 * run there, with the JVM options the replicas will have.
	 * @throws IllegalStateException if the training run fails or leaves no archive
	 */
	static ServiceJar trained(Path packaged, List<String> jvmOptions, Path directory)
			throws IOException, InterruptedException {
		delete(directory);
		Files.createDirectories(directory.getParent());
		Path log = directory.resolveSibling(directory.getFileName() + "-training.log");
		Files.deleteIfExists(log);
		run(List.of(java(), "-Djarmode=tools", "-jar", packaged.toString(), "extract", "--destination",
				directory.toString()), Map.of(), log, "extracting " + packaged);
		Path extracted = directory.resolve(packaged.getFileName());
		Path archive = directory.resolve("application.jsa");
		long start = System.nanoTime();
		List<String> training = new ArrayList<>(List.of(java()));
		training.addAll(jvmOptions);
		training.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh", "-jar",
				extracted.toString()));
		training.addAll(ARGUMENTS);
		training.add("--management.server.port=0");
		// never called: the JVM halts before the elector starts
		run(training, Map.of("KUBERNETES_MASTER", "http://127.0.0.1:1", "POD_NAME", "cds-training", "POD_NAMESPACE",
				"default", "POD_UID", UUID.randomUUID().toString(), "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
				"KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"), log, "the CDS training run");
		if (!Files.isRegularFile(archive)) {
			throw new IllegalStateException("The CDS training run left no archive; see " + log);
		}
		System.out.printf("CDS archive %s (%.0f MB) from a training run of %.1f s%n", archive,
				Files.size(archive) / 1e6, (System.nanoTime() - start) / 1e9);
		return new ServiceJar(extracted, jvmOptions, Optional.of(archive));
	}

	boolean cds() {
		return this.archive.isPresent();
	}

	/**
	 * The command that starts one replica, its actuator on {@code managementPort}, with
	 * {@code arguments} after the standard ones. On the archive it is {@code -Xshare:on}: a
	 * replica that cannot map it fails to start rather than be measured without it (in an
	 * image, the default {@code auto} would carry on without).
	 */
	List<String> command(int managementPort, List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(java()));
		command.addAll(this.jvmOptions);
		this.archive.ifPresent((archive) -> command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on")));
		command.addAll(List.of("-jar", this.jar.toString()));
		command.addAll(ARGUMENTS);
		command.add("--management.server.port=" + managementPort);
		command.addAll(arguments);
		return command;
	}

	private static void run(List<String> command, Map<String, String> environment, Path log, String what)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().putAll(environment);
		int status = builder.start().waitFor();
		if (status != 0) {
			throw new IllegalStateException("Failed " + what + " (exit status " + status + "); see " + log);
		}
	}

	private static void delete(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
