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
 * Delivers leadership events to the application on threads of their own, so that a slow
 * or throwing listener never holds up a renewal.
 *
 * <p>
 * Revocations have a thread to themselves: a slow grant or {@link LeaderChanged} listener
 * cannot delay them. Grants and {@code LeaderChanged} events are delivered in order on
 * another thread; revocations in order among themselves. A revocation can therefore
 * overtake the grant of the same term: the term has ended before its revocation is
 * published, so a grant listener that checks {@link LeaseContext#isLeader()} (as the
 * critical-task scheduler does, under the same lock as its revocation) starts nothing.
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

	private volatile ExecutorService revocations;

	LeaderEvents(LeaderEventPublisher leaderEvents, ApplicationEventPublisher applicationEvents) {
		this.leaderEvents = leaderEvents;
		this.applicationEvents = applicationEvents;
	}

	void start() {
		this.executor = singleThread("leader-events");
		this.revocations = singleThread("leader-revocations");
	}

	void stop() {
		for (ExecutorService current : new ExecutorService[] { this.executor, this.revocations }) {
			if (current != null) {
				current.shutdown();
			}
		}
	}

	/** Completes once every listener has returned; fails if one threw. */
	CompletableFuture<Void> granted(Object source, LeaseContext context) {
		return dispatch(this.executor, "OnGrantedEvent " + context,
				() -> this.leaderEvents.publishOnGranted(source, context, context.getRole()));
	}

	/** Completes once every listener has returned; fails if one threw. */
	CompletableFuture<Void> revoked(Object source, LeaseContext context) {
		return dispatch(this.revocations, "OnRevokedEvent " + context,
				() -> this.leaderEvents.publishOnRevoked(source, context, context.getRole()));
	}

	void leaderChanged(LeaderChanged event) {
		dispatch(this.executor, event.toString(), () -> this.applicationEvents.publishEvent(event));
	}

	private static ExecutorService singleThread(String name) {
		return Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
	}

	private static CompletableFuture<Void> dispatch(ExecutorService current, String description, Runnable publish) {
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
