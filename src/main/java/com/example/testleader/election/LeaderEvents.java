package com.example.testleader.election;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Delivers leadership events to the application on threads of their own, so that a slow
 * or throwing listener never holds up a renewal.
 *
 * <p>
 * Grants and revocations share one thread, in order, so that no listener (Spring
 * Integration's role controller among them) ever sees a term's revocation before its
 * grant, or a term's grant before the previous term's revocation. A grant whose term has
 * already ended when its turn comes is not published, nor then is its revocation: a
 * revocation waits behind a grant only while that grant's listeners are running.
 * {@link LeaderChanged} events have a thread of their own and never delay either. However
 * long the listeners take, the critical-task scheduler stops the work at the term's own
 * deadline on a timer of its own.
 *
 * <p>
 * A listener that throws is logged and the event's future fails. Note that Spring's
 * event multicaster does not call the listeners after a throwing one for that event;
 * the critical-task scheduler therefore listens first, and also checks
 * {@link LeaseContext#isLeader()} before every run.
 * <p>
 * Internal: for the election's own packages.
 */
public final class LeaderEvents {

	private static final Logger log = LoggerFactory.getLogger(LeaderEvents.class);

	private final LeaderEventPublisher leaderEvents;

	private final ApplicationEventPublisher applicationEvents;

	private volatile ExecutorService terms;

	private volatile ExecutorService changes;

	// Confined to the terms thread: the last context whose grant was not published.
	private LeaseContext skipped;

	public LeaderEvents(LeaderEventPublisher leaderEvents, ApplicationEventPublisher applicationEvents) {
		this.leaderEvents = leaderEvents;
		this.applicationEvents = applicationEvents;
	}

	/**
	 * Starts both threads now, and sends a first task through each: a follower meets this
	 * path for the first time when it takes over, and then starting a thread and loading
	 * the classes of the dispatch would come first (about 20 ms on two cores).
	 */
	void start() {
		this.terms = singleThread("leader-events");
		this.changes = singleThread("leader-changes");
		dispatch(this.terms, () -> "warm-up", () -> {
		});
		dispatch(this.changes, () -> "warm-up", () -> {
		});
	}

	void stop() {
		for (ExecutorService current : new ExecutorService[] { this.terms, this.changes }) {
			if (current != null) {
				current.shutdown();
			}
		}
	}

	/** Completes once every listener has returned (at once if the term already ended); fails if one threw. */
	CompletableFuture<Void> granted(Object source, LeaseContext context) {
		return dispatch(this.terms, () -> "OnGrantedEvent " + context, () -> {
			if (!context.isLeader()) {
				log.debug("Not publishing the grant of {}: the term ended before its turn", context);
				this.skipped = context;
				return;
			}
			this.leaderEvents.publishOnGranted(source, context, context.getRole());
		});
	}

	/** Completes once every listener has returned; fails if one threw. */
	CompletableFuture<Void> revoked(Object source, LeaseContext context) {
		return dispatch(this.terms, () -> "OnRevokedEvent " + context, () -> {
			if (this.skipped == context) {
				return;
			}
			this.leaderEvents.publishOnRevoked(source, context, context.getRole());
		});
	}

	void leaderChanged(LeaderChanged event) {
		dispatch(this.changes, event::toString, () -> this.applicationEvents.publishEvent(event));
	}

	private static ExecutorService singleThread(String name) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(name + "-");
		threads.setDaemon(true);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threads);
		executor.prestartCoreThread();
		return executor;
	}

	/**
	 * @param description what is sent, for the log; built only if it fails (on a follower's
	 * first grant, describing the term takes milliseconds)
	 */
	private static CompletableFuture<Void> dispatch(ExecutorService current, Supplier<String> description,
			Runnable publish) {
		if (current == null) {
			return notDelivered(description.get(), new IllegalStateException("leader events are not started"));
		}
		try {
			return CompletableFuture.runAsync(() -> {
				try {
					publish.run();
				}
				catch (RuntimeException | Error ex) {
					log.error("A listener of {} failed", description.get(), ex);
					throw ex;
				}
			}, current);
		}
		catch (RejectedExecutionException ex) {
			return notDelivered(description.get(), ex);
		}
	}

	private static CompletableFuture<Void> notDelivered(String description, Exception cause) {
		log.warn("{} not delivered: the election is not running", description);
		return CompletableFuture.failedFuture(cause);
	}

}
