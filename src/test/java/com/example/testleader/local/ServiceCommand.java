package com.example.testleader.local;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.example.testleader.TestLeaderApplication;

/**
 * The command of one replica of the local mode: the service's own main class, in a JVM of
 * its own, pointed at the API the standard way ({@code spring.main.cloud-platform=kubernetes},
 * the API's address, {@code POD_NAME}, {@code POD_NAMESPACE}, {@code POD_UID}).
 *
 * <p>
 * Its class path is this JVM's without the test classes: the component scan of
 * {@code com.example.testleader} would otherwise pick up the tests' own
 * {@code @Configuration} classes (one of them enables {@code @Async}). The local mode's
 * defaults are system properties, below the command line, so that a user's
 * {@code --test-leader.task.still-leading-roles=...}, passed on to every replica, wins.
 */
final class ServiceCommand implements ReplicaLaunch {

	private final String apiUrl;

	private final Map<String, Object> defaults;

	private final List<String> arguments;

	/**
	 * @param apiUrl the API's address
	 * @param defaults properties below the command line
	 * @param arguments passed on to every replica, after its own
	 */
	ServiceCommand(String apiUrl, Map<String, Object> defaults, List<String> arguments) {
		this.apiUrl = apiUrl;
		this.defaults = defaults;
		this.arguments = List.copyOf(arguments);
	}

	@Override
	public ProcessBuilder command(LocalReplica replica, String podUid) {
		// the C1 compiler only, as spring-boot:run starts its own JVM: several JVMs starting at
		// once on a small machine otherwise spend seconds of CPU compiling
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", classPath()));
		this.defaults.forEach((name, value) -> command.add("-D" + name + "=" + value));
		command.add(TestLeaderApplication.class.getName());
		command.addAll(List.of("--spring.main.cloud-platform=kubernetes",
				"--spring.cloud.kubernetes.client.master-url=" + this.apiUrl,
				"--spring.cloud.kubernetes.client.namespace=default", "--server.port=" + replica.port(),
				"--management.server.port=" + replica.managementPort()));
		command.addAll(this.arguments);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment()
			.putAll(Map.of("POD_NAME", replica.name(), "POD_NAMESPACE", "default", "POD_UID", podUid));
		return builder;
	}

	/** This JVM's class path less the test classes; refused if they cannot be found in it. */
	static String classPath() {
		Path testClasses = testClasses();
		List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
		List<String> kept = entries.stream()
			.filter((entry) -> !Path.of(entry).toAbsolutePath().normalize().equals(testClasses))
			.collect(Collectors.toList());
		if (kept.size() == entries.size()) {
			throw new IllegalStateException("The test classes (" + testClasses + ") are not one entry of this JVM's "
					+ "class path, so they cannot be kept out of the replicas' component scan");
		}
		return String.join(File.pathSeparator, kept);
	}

	/** Where this class was loaded from: the test classes' directory. */
	static Path testClasses() {
		try {
			return Path.of(ServiceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
				.toAbsolutePath()
				.normalize();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
