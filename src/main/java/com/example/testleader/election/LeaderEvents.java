package com.example.testleader.election;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;

/**
 * Delivers leadership events to the application on a thread of their own, one at a time
 * and in order, so that a slow or throwing listener never holds up a renewal.
 *
 * <p>
 * A listener that throws is logged and the event's future fails. Note that Spring's
 * event multicaster does not call the listeners after a throwing one for that event;
 * the critical-task scheduler therefore listens first, and also checks
 * {@link LeaseContext#isLeader()} before every run.
 */
final class LeaderEvents {

	private static final Logger log = LoggerFactory.getLogger(LeaderEvents.class);

	private final LeaderEventPublisher leaderEvents;

	private final ApplicationEventPublisher applicationEvents;

	private volatile ExecutorService executor;

	LeaderEvents(LeaderEventPublisher leaderEvents, ApplicationEventPublisher applicationEvents) {
		this.leaderEvents = leaderEvents;
		this.applicationEvents = applicationEvents;
	}

	void start() {
		this.executor = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "leader-events");
			thread.setDaemon(true);
			return thread;
		});
	}

	void stop() {
		ExecutorService current = this.executor;
		if (current != null) {
			current.shutdown();
		}
	}

	/** Completes once every listener has returned; fails if one threw. */
	CompletableFuture<Void> granted(Object source, LeaseContext context) {
		return dispatch("OnGrantedEvent " + context,
				() -> this.leaderEvents.publishOnGranted(source, context, context.getRole()));
	}

	/** Completes once every listener has returned; fails if one threw. */
	CompletableFuture<Void> revoked(Object source, LeaseContext context) {
		return dispatch("OnRevokedEvent " + context,
				() -> this.leaderEvents.publishOnRevoked(source, context, context.getRole()));
	}

	void leaderChanged(LeaderChanged event) {
		dispatch(event.toString(), () -> this.applicationEvents.publishEvent(event));
	}

	private CompletableFuture<Void> dispatch(String description, Runnable publish) {
		ExecutorService current = this.executor;
		if (current == null) {
			return notDelivered(description, new IllegalStateException("leader events are not started"));
		}
		try {
			return CompletableFuture.runAsync(() -> {
				try {
					publish.run();
				}
				catch (RuntimeException | Error ex) {
					log.error("A listener of {} failed", description, ex);
					throw ex;
				}
			}, current);
		}
		catch (RejectedExecutionException ex) {
			return notDelivered(description, ex);
		}
	}

	private static CompletableFuture<Void> notDelivered(String description, Exception cause) {
		log.warn("{} not delivered: the election is not running", description);
		return CompletableFuture.failedFuture(cause);
	}

}
