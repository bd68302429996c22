package com.example.testleader.local;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One replica as a process of its own, kept the way the kubelet keeps a container with
 * {@code restartPolicy: Always}, through the {@link KubeletStandIn}: its Pod is created
 * not ready; its readiness probe decides when the container is reported ready; when the
 * process exits, its container is reported terminated with the exit status (128 + the
 * signal for a process a signal ended: 137 for {@code kill -9}), and the process is
 * started again after a backoff, reported as a restart of the same container. So the
 * other replicas see what they would see in a cluster: a member while it is ready, and a
 * crash proven by the kubelet's report (early takeover), not by waiting out the Lease.
 *
 * <p>
 * {@link #stop(Duration)} is a pod deletion: the pod is marked deleting (no member any
 * more), the process gets SIGTERM and, past the grace period, SIGKILL; it is not restarted.
 */
final class SupervisedReplica {

	/** The backoff never grows beyond this (the kubelet's cap is five minutes; a demo needs less). */
	private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	private final LocalReplica replica;

	private final ReplicaLaunch launch;

	private final KubeletStandIn kubelet;

	private final Timings timings;

	private final PrintStream console;

	private final ScheduledExecutorService executor;

	// Guarded by this.
	private String podUid;

	// Guarded by this.
	private Process process;

	// Guarded by this.
	private CompletableFuture<Void> exitReported = CompletableFuture.completedFuture(null);

	// Set by the probe's thread, which holds the probe's lock: never this one (exited() holds
	// this one, then stops the probe)
	private volatile boolean becameReady;

	// Guarded by this.
	private Duration backoff;

	// Guarded by this.
	private boolean stopping;

	// Guarded by this.
	private ScheduledFuture<?> restart;

	SupervisedReplica(LocalReplica replica, ReplicaLaunch launch, KubeletStandIn kubelet, Timings timings,
			PrintStream console) {
		this.replica = replica;
		this.launch = launch;
		this.kubelet = kubelet;
		this.timings = timings;
		this.console = console;
		this.backoff = timings.restartBackoff();
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "kubelet-" + replica.name());
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Creates the replica's Pod, not ready, and starts its process. */
	synchronized void start() throws IOException {
		this.podUid = this.kubelet.podStarting(this.replica.name());
		launch();
	}

	private void launch() throws IOException {
		Process started = this.launch.command(this.replica, this.podUid).redirectErrorStream(true).start();
		this.process = started;
		this.becameReady = false;
		this.console.printf("%s: PID %d, application port %d, management port %d%n", this.replica.name(),
				started.pid(), this.replica.port(), this.replica.managementPort());
		ReplicaOutput.forward(this.replica.name(), started.getInputStream(), this.console);
		ReadinessProbe probe = new ReadinessProbe(this.replica.readiness(), this.timings.probeTimeout(),
				this::readinessChanged);
		probe.start(this.executor, this.timings.probePeriod());
		this.exitReported = started.onExit().thenAccept((ended) -> exited(ended, probe));
	}

	private void readinessChanged(boolean ready) {
		if (ready) {
			this.becameReady = true;
			this.kubelet.ready(this.replica.name());
			this.console.printf("%s: readiness probe passed; its container is reported ready%n", this.replica.name());
		}
		else {
			this.kubelet.notReady(this.replica.name());
			this.console.printf("%s: readiness probe failed %d times; its container is reported not ready%n",
					this.replica.name(), ReadinessProbe.FAILURE_THRESHOLD);
		}
	}

	private synchronized void exited(Process ended, ReadinessProbe probe) {
		// the probe tells nothing more from here on: no "ready" can follow the report of the exit
		probe.stop();
		int status = ended.exitValue();
		this.kubelet.exited(this.replica.name(), status, (status == 0) ? "Completed" : "Error");
		if (this.stopping) {
			this.console.printf("%s: PID %d exited with status %d%n", this.replica.name(), ended.pid(), status);
			return;
		}
		// as the kubelet's CrashLoopBackOff: an instance that never became ready waits twice as long next time
		Duration wait = this.becameReady ? this.timings.restartBackoff() : this.backoff;
		this.backoff = min(wait.multipliedBy(2), MAX_BACKOFF);
		this.console.printf("%s: PID %d exited with status %d; the kubelet stand-in reports it, and restarts it in %d ms%n",
				this.replica.name(), ended.pid(), status, wait.toMillis());
		this.restart = this.executor.schedule(this::restart, wait.toNanos(), TimeUnit.NANOSECONDS);
	}

	private synchronized void restart() {
		if (this.stopping) {
			return;
		}
		this.kubelet.startedAgain(this.replica.name());
		try {
			launch();
		}
		catch (IOException ex) {
			this.console.printf("%s: could not be started again, left stopped: %s%n", this.replica.name(), ex);
		}
	}

	/**
	 * Deletes the pod gracefully: marked deleting, SIGTERM, SIGKILL after {@code grace};
	 * returns once the process has exited. Never restarted after this; a second call does
	 * nothing.
	 */
	void stop(Duration grace) throws InterruptedException {
		Process current;
		CompletableFuture<Void> reported;
		synchronized (this) {
			if (this.stopping) {
				return;
			}
			this.stopping = true;
			if (this.restart != null) {
				this.restart.cancel(false);
			}
			current = this.process;
			reported = this.exitReported;
		}
		this.executor.shutdown();
		if (current == null) {
			// never started
			return;
		}
		this.kubelet.terminating(this.replica.name());
		// through the handle: Process#destroy would also close our end of its output, and
		// its last lines (its graceful shutdown) would be lost
		current.toHandle().destroy();
		if (!current.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
			current.destroyForcibly();
			current.waitFor();
		}
		// the exit is handled on another thread: said and reported before this JVM may end
		reported.join();
	}

	/** The process running now, or the last one. */
	synchronized Process process() {
		return this.process;
	}

	LocalReplica replica() {
		return this.replica;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * How the stand-in kubelet probes and restarts.
	 *
	 * @param probePeriod time between two readiness probes
	 * @param probeTimeout how long a probe's answer may take
	 * @param restartBackoff how long after an exit the process starts again (doubled for
	 * each instance in a row that never became ready)
	 */
	record Timings(Duration probePeriod, Duration probeTimeout, Duration restartBackoff) {

		/** About the kubelet's: a probe a second, with the Deployment's 2 s timeout, and a short backoff. */
		static final Timings KUBELET = new Timings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1));

	}

}
