package com.example.testleader.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.testleader.faults.FaultProxy;

/**
 * One replica as its own process, talking to the API through its own {@link FaultProxy}.
 * Its output is read line by line and turned into {@link Events}, timed on arrival. A
 * service replica's actuator listens on a port the benchmark chose, for the operator's
 * requests.
 */
final class ReplicaProcess {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	// HTTP/1.1: the management server speaks nothing else, so no upgrade is offered
	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final Pattern LEADING = Pattern.compile("\\b(still |stopped )?leading: identity=");

	private static final Pattern NEW_LEADER = Pattern.compile("new leader: (\\S+)");

	private static final Pattern ROLE = Pattern.compile("\\brole=([^\\s,]+)");

	private static final Pattern OFFERING = Pattern.compile("Offering role (\\S+) to (\\S+) to balance the roles");

	final String name;

	final FaultProxy proxy;

	private final Process process;

	/** The actuator's port; 0 for the baseline, which has none. */
	private final int managementPort;

	private final Events events;

	private final Runnable onReady;

	// Confined to the output's reader thread.
	private boolean ready;

	private ReplicaProcess(String name, Process process, int managementPort, FaultProxy proxy, Events events,
			Runnable onReady) {
		this.name = name;
		this.process = process;
		this.managementPort = managementPort;
		this.proxy = proxy;
		this.events = events;
		this.onReady = onReady;
	}

	/**
	 * @param managementPort the port its command line gives its actuator; 0 for none
	 * @param onReady called once, on the reader's thread, when the replica says it is ready
	 */
	static ReplicaProcess start(String name, List<String> command, Map<String, String> environment,
			int managementPort, FaultProxy proxy, Events events, Path log, Runnable onReady) {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		try {
			events.add(name, Events.Kind.STARTED, null);
			ReplicaProcess replica = new ReplicaProcess(name, builder.start(), managementPort, proxy, events,
					onReady);
			Thread reader = new Thread(() -> replica.read(log), "output-" + name);
			reader.setDaemon(true);
			reader.start();
			return replica;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void read(Path log) {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				Writer out = Files.newBufferedWriter(log)) {
			String line;
			while ((line = in.readLine()) != null) {
				classify(line);
				out.write(line);
				out.write('\n');
				out.flush();
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
		this.events.add(this.name, Events.Kind.DIED, "exited");
	}

	private void classify(String line) {
		Matcher leading = LEADING.matcher(line);
		if (leading.find()) {
			if (leading.group(1) == null) {
				this.events.add(this.name, Events.Kind.LEADING, null, role(line));
			}
			else if (leading.group(1).equals("stopped ")) {
				this.events.add(this.name, Events.Kind.STOPPED, null, role(line));
			}
			return;
		}
		Matcher newLeader = NEW_LEADER.matcher(line);
		Matcher offering = OFFERING.matcher(line);
		if (newLeader.find()) {
			this.events.add(this.name, Events.Kind.NEW_LEADER, newLeader.group(1), role(line));
		}
		else if (offering.find()) {
			this.events.add(this.name, Events.Kind.OFFERED, offering.group(2), offering.group(1));
		}
		// ready: the service joins the election when Spring's readiness turns ACCEPTING_TRAFFIC
		// (a moment after its "Started ..." line), once per role; the baseline says so before
		// it starts electing
		else if (!this.ready && (line.contains("Joining the election") || line.endsWith(" ready"))) {
			this.ready = true;
			this.events.add(this.name, Events.Kind.READY, null);
			this.onReady.run();
		}
	}

	private static String role(String line) {
		Matcher role = ROLE.matcher(line);
		return role.find() ? role.group(1) : Events.DEFAULT_ROLE;
	}

	/** SIGTERM: the graceful path. */
	void terminate() {
		this.events.add(this.name, Events.Kind.FAULT, "SIGTERM");
		// through the handle: Process#destroy would also close our end of its output,
		// so the replica could not log its own shutdown
		this.process.toHandle().destroy();
	}

	/**
	 * An operator's {@code POST /actuator/handover} to this replica, naming {@code to}: the
	 * replica answers once its election has carried the request out (202 when handed over).
	 * From this machine, which the replicas' operator endpoints let through.
	 */
	HttpResponse<String> handOverTo(String to) throws IOException, InterruptedException {
		this.events.add(this.name, Events.Kind.FAULT, "POST /actuator/handover to " + to);
		return HTTP.send(HttpRequest.newBuilder(actuator("handover"))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"to\": \"" + to + "\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * The kubelet's readiness probe, {@code GET /actuator/health/readiness}: a pod's
	 * management server has served it every few seconds by the time an operator calls, so
	 * the first request that a scenario measures is not the server's first.
	 */
	int probeReadiness() throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(actuator("health/readiness")).timeout(REQUEST_TIMEOUT).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private URI actuator(String path) {
		if (this.managementPort == 0) {
			throw new IllegalStateException(this.name + " has no actuator");
		}
		return URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/" + path);
	}

	/** SIGKILL: its critical window ends now. */
	void kill() {
		this.events.add(this.name, Events.Kind.DIED, "SIGKILL");
		this.process.toHandle().destroyForcibly();
	}

	/**
	 * Tells {@code exited} the process's exit status once it has exited, as a container
	 * runtime would: 128 + n for a process ended by signal n (137 for SIGKILL).
	 */
	void onExit(IntConsumer exited) {
		this.process.onExit().thenAccept((ended) -> exited.accept(ended.exitValue()));
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean alive() {
		return this.process.isAlive();
	}

	/** Resident memory in MiB, from /proc. */
	double residentMegabytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(this.process.pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
				}
			}
		}
		catch (IOException ex) {
			// gone
		}
		return Double.NaN;
	}

	void destroy() {
		this.process.destroyForcibly();
	}

}
