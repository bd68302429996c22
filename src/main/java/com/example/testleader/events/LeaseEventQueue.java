package com.example.testleader.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.roles.Electors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Sends the Events on one thread of their own, from a bounded queue. Offering never
 * waits: a change that finds the queue full is dropped and counted ({@link EventOutcomes}),
 * and its message is still logged. A refused or failed Event is counted, never retried and
 * never fatal; a 403 (the Role lacks {@code create} on {@code events}) is logged once.
 *
 * <p>
 * Its client is built on that thread for the first Event: a replica that never leads
 * never builds one, and none is built on the way to ready.
 *
 * <p>
 * It starts just before the elector and stops just after it ({@link #getPhase()}), so
 * the Event of a graceful step-down at shutdown, queued while the elector stops, is still
 * sent: the stop waits up to {@link EventsProperties#timeout()} for the queue to drain,
 * then drops what is left.
 */
final class LeaseEventQueue implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LeaseEventQueue.class);

	private final EventsProperties properties;

	private final ObjectProvider<Config> kubernetes;

	private final ObjectProvider<Electors> elector;

	private final String component;

	private final EventOutcomes outcomes;

	private final AtomicBoolean forbiddenLogged = new AtomicBoolean();

	private volatile ThreadPoolExecutor sender;

	private volatile String namespace;

	// Guarded by this: built on the sender thread, closed by the stopping one.
	private LeaseEventWriter writer;

	private boolean closed;

	/**
	 * @param kubernetes the shared client configuration (the election refuses to start without one)
	 * @param elector asked where the Lease is only once this starts: it is built with its
	 * observers, this queue's among them
	 * @param component the Events' source and reporting component
	 */
	LeaseEventQueue(EventsProperties properties, ObjectProvider<Config> kubernetes, ObjectProvider<Electors> elector,
			String component, EventOutcomes outcomes) {
		this.properties = properties;
		this.kubernetes = kubernetes;
		this.elector = elector;
		this.component = component;
		this.outcomes = outcomes;
	}

	/** Queues {@code change} for sending; returns at once, dropping it if the queue is full or stopped. */
	void offer(LeadershipChange change) {
		ThreadPoolExecutor current = this.sender;
		if (current == null) {
			dropped(change, "the events are not running");
			return;
		}
		current.execute(new Send(change));
	}

	private void send(LeadershipChange change) {
		try {
			writer().write(change);
			this.outcomes.sent(change.role());
			log.debug("Recorded Event on Lease {}: {}", lease(change), change.message());
		}
		catch (KubernetesClientException ex) {
			this.outcomes.failed(change.role());
			if (ex.getCode() == 403 && this.forbiddenLogged.compareAndSet(false, true)) {
				log.warn("Not permitted to record Kubernetes Events on Lease {} (403): grant create and patch on core "
						+ "events in its namespace (see k8s/rbac.yaml). The election is unaffected; further refusals "
						+ "are only counted (leader_election_events_total, outcome failed). Not recorded: {}",
						lease(change), change.message());
			}
			else if (ex.getCode() != 403) {
				log.warn("Could not record Event on Lease {} ({}): {}", lease(change), change.message(),
						ex.getMessage());
			}
		}
		catch (RuntimeException ex) {
			this.outcomes.failed(change.role());
			log.warn("Could not record Event on Lease {} ({})", lease(change), change.message(), ex);
		}
	}

	private synchronized LeaseEventWriter writer() {
		if (this.closed) {
			throw new IllegalStateException("The events client is closed: the service is stopping");
		}
		if (this.writer == null) {
			this.writer = new LeaseEventWriter(eventsClient(this.kubernetes.getObject(), this.properties.timeout()),
					this.namespace, this.component);
		}
		return this.writer;
	}

	private String lease(LeadershipChange change) {
		return this.namespace + "/" + change.role();
	}

	private synchronized void closeWriter() {
		this.closed = true;
		if (this.writer != null) {
			this.writer.close();
			this.writer = null;
		}
	}

	private void dropped(LeadershipChange change, String why) {
		this.outcomes.dropped(change.role());
		log.warn("Kubernetes Event dropped ({}): {}", why, change.message());
	}

	@Override
	public void start() {
		this.namespace = this.elector.getObject().primary().leadership().namespace();
		synchronized (this) {
			this.closed = false;
		}
		CustomizableThreadFactory threads = new CustomizableThreadFactory("lease-events-");
		threads.setDaemon(true);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(this.properties.queueCapacity()), threads,
				(task, full) -> dropped(((Send) task).change(), full.isShutdown() ? "the events are stopping"
						: "queue of " + this.properties.queueCapacity() + " full, one Event in flight"));
		executor.prestartCoreThread();
		this.sender = executor;
	}

	/** Waits up to the timeout for the queue to drain, then drops what is left and closes the client. */
	@Override
	public void stop() {
		ThreadPoolExecutor current = this.sender;
		if (current == null) {
			return;
		}
		current.shutdown();
		try {
			if (!current.awaitTermination(this.properties.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
				List<Runnable> left = current.shutdownNow();
				left.forEach((send) -> this.outcomes.dropped(((Send) send).change().role()));
				log.warn("Stopped recording Kubernetes Events with {} still queued and one in flight after {}",
						left.size(), this.properties.timeout());
			}
		}
		catch (InterruptedException ex) {
			current.shutdownNow();
			Thread.currentThread().interrupt();
		}
		finally {
			this.sender = null;
			closeWriter();
		}
	}

	@Override
	public boolean isRunning() {
		return this.sender != null;
	}

	/** Just below the elector's phase: started before it, stopped after it. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1;
	}

	/**
	 * A client of the events' own, from the shared configuration: its own connections and
	 * threads (nothing shared with the election's calls), its timeouts at most
	 * {@code timeout}, and no retries, since a late Event is worth little.
	 */
	static KubernetesClient eventsClient(Config shared, Duration timeout) {
		int millis = Math.toIntExact(timeout.toMillis());
		Config config = new ConfigBuilder(shared).withRequestRetryBackoffLimit(0)
			.withRequestTimeout(millis)
			.withConnectionTimeout(millis)
			.build();
		return new KubernetesClientBuilder().withConfig(config).build();
	}

	/** One Event to send; the queue drops it by this name. */
	private final class Send implements Runnable {

		private final LeadershipChange change;

		Send(LeadershipChange change) {
			this.change = change;
		}

		LeadershipChange change() {
			return this.change;
		}

		@Override
		public void run() {
			send(this.change);
		}

	}

}
