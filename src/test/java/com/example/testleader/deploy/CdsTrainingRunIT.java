package com.example.testleader.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's class data sharing archive, made from the packaged jar as Paketo's Spring Boot
 * buildpack makes it at build time (5.35 and later; {@code boot/spring_performance.go}), with
 * no Docker and no cluster: the jar, as {@code runner.jar}, extracted with
 * {@code -Djarmode=tools extract}; every file's time set to 1980-01-01 00:00:01 (the time the
 * image's layers give them, and the archive checks); then, in the extracted directory, {@code
 * java -Dspring.context.exit=onRefresh -XX:ArchiveClassesAtExit=application.jsa -cp runner.jar
 * <Start-Class>} with {@code JAVA_TOOL_OPTIONS} set to the pom's
 * {@code TRAINING_RUN_JAVA_TOOL_OPTIONS} and no other variable, as the buildpack runs it. The
 * options' API server is replaced by a socket of this test's, so that any call is seen. Then a
 * replica starts on the archive the way the image's launch does ({@code
 * -XX:SharedArchiveFile=application.jsa} after the pod's JVM options), with {@code -Xshare:on},
 * under which a JVM that cannot use the archive refuses to start.
 *
 * <p>
 * Not checked here: the buildpack itself, its JRE (BellSoft Liberica 17 rather than this JDK)
 * and the image's file system.
 */
class CdsTrainingRunIT {

	private static final Pattern API_SERVER = Pattern.compile("-Dkubernetes\\.master=(\\S+)");

	private static final FileTime IMAGE_TIME = FileTime.from(Instant.parse("1980-01-01T00:00:01Z"));

	@TempDir
	Path build;

	private Path workspace;

	private String startClass;

	@BeforeEach
	void extractTheJarAsTheBuildpackDoes() throws Exception {
		Path jar = Path.of(System.getProperty("test-leader.packaged-jar", "the packaged jar: run mvn verify"));
		assertThat(jar).isRegularFile();
		try (JarFile packaged = new JarFile(jar.toFile())) {
			this.startClass = packaged.getManifest().getMainAttributes().getValue("Start-Class");
		}
		Path runner = Files.createDirectories(this.build.resolve("jar-dest")).resolve("runner.jar");
		Files.copy(jar, runner);
		this.workspace = this.build.resolve("workspace");
		Ran extract = run(runner.getParent(), List.of("-Djarmode=tools", "-jar", runner.toString(), "extract",
				"--destination", this.workspace.toString()), null, "extract");
		assertThat(extract.status()).as("extracting the jar:%n%s", extract.output()).isZero();
		try (Stream<Path> files = Files.walk(this.workspace)) {
			for (Path file : files.toList()) {
				Files.setLastModifiedTime(file, IMAGE_TIME);
			}
		}
	}

	@Test
	void theTrainingRunArchivesTheRefreshedContextWithoutCallingAnApiServerAndAReplicaStartsOnTheArchive()
			throws Exception {
		try (ServerSocketChannel api = ServerSocketChannel.open()) {
			api.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			api.configureBlocking(false);
			String training = pointedAt(ImageBuild.env().get("TRAINING_RUN_JAVA_TOOL_OPTIONS"), api);

			Ran trained = run(this.workspace, List.of("-Dspring.context.exit=onRefresh",
					"-XX:ArchiveClassesAtExit=application.jsa", "-cp", "runner.jar", this.startClass), training,
					"training");
			assertThat(trained.status()).as("the training run's exit status, after:%n%s", trained.output()).isZero();
			assertThat(this.workspace.resolve("application.jsa")).isNotEmptyFile();
			assertThat(api.accept()).as("a connection to the API server during the training run").isNull();

			String launch = training + " " + String.join(" ", PodJvm.fromManifest().launchOptions())
					+ " -XX:SharedArchiveFile=application.jsa -Xshare:on";
			List<String> replica = List.of("-Dspring.context.exit=onRefresh", "-cp", "runner.jar", this.startClass);
			Ran started = run(this.workspace, replica, launch, "replica");
			assertThat(started.status()).as("a replica on the archive, after:%n%s", started.output()).isZero();
			assertThat(api.accept()).as("a connection to the API server").isNull();

			// -Xshare:on is what makes the exit status above mean "on the archive": a class
			// path that is not the one trained on (here runner.jar touched) is refused
			Files.setLastModifiedTime(this.workspace.resolve("runner.jar"), FileTime.from(Instant.now()));
			Ran mismatched = run(this.workspace, replica, launch, "mismatch");
			assertThat(mismatched.status()).isNotZero();
			assertThat(mismatched.output()).contains("Unable to use shared archive");
		}
	}

	/** The options with their one API server replaced by {@code api}'s address. */
	private static String pointedAt(String options, ServerSocketChannel api) throws IOException {
		Matcher master = API_SERVER.matcher(options);
		assertThat(master.results()).as("API servers named in " + options).hasSize(1);
		int port = ((InetSocketAddress) api.getLocalAddress()).getPort();
		return API_SERVER.matcher(options).replaceFirst("-Dkubernetes.master=https://127.0.0.1:" + port);
	}

	/**
	 * Runs this JVM's {@code java} in {@code directory}, with {@code JAVA_TOOL_OPTIONS} as the
	 * whole environment, or with this process's environment if they are {@code null}.
	 */
	private Ran run(Path directory, List<String> arguments, String javaToolOptions, String name)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
		command.addAll(arguments);
		Path log = this.build.resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		if (javaToolOptions != null) {
			builder.environment().clear();
			builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
		}
		Process process = builder.start();
		boolean ended = process.waitFor(3, TimeUnit.MINUTES);
		if (!ended) {
			process.destroyForcibly().waitFor();
		}
		String output = Files.readString(log) + (ended ? "" : "\n(still running after 3 minutes: stopped)");
		return new Ran(ended ? process.exitValue() : -1, output.substring(Math.max(0, output.length() - 4000)));
	}

	/** @param output the output's last 4000 characters */
	private record Ran(int status, String output) {

	}

}
