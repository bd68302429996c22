package com.example.testleader.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A readiness probe as the kubelet runs one: an HTTP GET every period, passed by a 2xx or
 * 3xx answer within the timeout; one pass makes the container ready, three failures in a
 * row make it not ready (the kubelet's default thresholds), so that one slow answer on a
 * busy machine does not take a replica out of the balance. Only changes are told.
 *
 * <p>
 * One probe watches one process; {@link #stop()} guarantees that nothing is told after it
 * returns, so the report of the process's exit can never be followed by a stale "ready".
 */
final class ReadinessProbe {

	static final int FAILURE_THRESHOLD = 3;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private final URI url;

	private final Duration timeout;

	private final Consumer<Boolean> changed;

	// Guarded by this.
	private boolean stopped;

	// Guarded by this.
	private Boolean ready;

	// Guarded by this.
	private int failures;

	// Guarded by this.
	private ScheduledFuture<?> schedule;

	/**
	 * @param url the readiness endpoint
	 * @param timeout how long an answer may take
	 * @param changed told {@code true} when the probe starts passing, {@code false} when it
	 * stops (never before a first pass: a container starts not ready)
	 */
	ReadinessProbe(URI url, Duration timeout, Consumer<Boolean> changed) {
		this.url = url;
		this.timeout = timeout;
		this.changed = changed;
	}

	/** Probes every {@code period} on {@code executor}, from now on until {@link #stop()}. */
	synchronized void start(ScheduledExecutorService executor, Duration period) {
		this.schedule = executor.scheduleWithFixedDelay(this::probe, 0, period.toNanos(), TimeUnit.NANOSECONDS);
	}

	void probe() {
		boolean passed = passes();
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			this.failures = passed ? 0 : this.failures + 1;
			if (passed && !Boolean.TRUE.equals(this.ready)) {
				this.ready = true;
				this.changed.accept(true);
			}
			else if (Boolean.TRUE.equals(this.ready) && this.failures >= FAILURE_THRESHOLD) {
				this.ready = false;
				this.changed.accept(false);
			}
		}
	}

	private boolean passes() {
		try {
			HttpResponse<Void> response = this.http.send(HttpRequest.newBuilder(this.url).timeout(this.timeout).build(),
					HttpResponse.BodyHandlers.discarding());
			return response.statusCode() >= 200 && response.statusCode() < 400;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Probes no more; nothing is told once this returns. */
	synchronized void stop() {
		this.stopped = true;
		if (this.schedule != null) {
			this.schedule.cancel(false);
		}
	}

}
