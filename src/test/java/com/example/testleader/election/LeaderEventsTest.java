package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/** The order in which listeners learn of terms, whatever the listeners do. */
class LeaderEventsTest {

	private final List<String> published = new CopyOnWriteArrayList<>();

	private final CountDownLatch firstGrantRunning = new CountDownLatch(1);

	private final CountDownLatch letFirstGrantReturn = new CountDownLatch(1);

	private final List<LeaderChanged> changes = new CopyOnWriteArrayList<>();

	private final LeaderEvents events = new LeaderEvents(new LeaderEventPublisher() {

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
			LeaderEventsTest.this.published.add("granted " + ((LeaseContext) context).fencingToken());
			if (((LeaseContext) context).fencingToken() == 1) {
				LeaderEventsTest.this.firstGrantRunning.countDown();
				await(LeaderEventsTest.this.letFirstGrantReturn);
			}
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
			LeaderEventsTest.this.published.add("revoked " + ((LeaseContext) context).fencingToken());
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
		}

	}, (event) -> this.changes.add((LeaderChanged) event));

	@AfterEach
	void stop() {
		this.letFirstGrantReturn.countDown();
		this.events.stop();
	}

	@Test
	void aRevocationNeverOvertakesItsGrantAndATermEndedBeforeItsTurnIsNeverPublished() throws Exception {
		this.events.start();
		TermValidity first = TestLeaseContexts.validFor(Duration.ofHours(1));
		LeaseContext one = context(1, first);
		TermValidity second = TestLeaseContexts.validFor(Duration.ofHours(1));
		LeaseContext two = context(2, second);

		this.events.granted(this, one);
		assertThat(this.firstGrantRunning.await(5, TimeUnit.SECONDS)).isTrue();
		// while the first grant's listeners run, that term ends and the next one begins and ends
		first.end();
		CompletableFuture<Void> firstRevoked = this.events.revoked(this, one);
		CompletableFuture<Void> secondGranted = this.events.granted(this, two);
		second.end();
		CompletableFuture<Void> secondRevoked = this.events.revoked(this, two);
		assertThat(firstRevoked).isNotDone();
		this.letFirstGrantReturn.countDown();

		CompletableFuture.allOf(firstRevoked, secondGranted, secondRevoked).get(5, TimeUnit.SECONDS);
		assertThat(this.published).containsExactly("granted 1", "revoked 1");
	}

	@Test
	void leaderChangedEventsDoNotWaitForGrantListeners() throws Exception {
		this.events.start();
		this.events.granted(this, context(1, TestLeaseContexts.validFor(Duration.ofHours(1))));
		assertThat(this.firstGrantRunning.await(5, TimeUnit.SECONDS)).isTrue();

		LeaderChanged change = new LeaderChanged("test-lease", "replica-b_1", 2, "replica-a_1", null);
		this.events.leaderChanged(change);

		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.changes.contains(change));
	}

	private static LeaseContext context(long token, TermValidity validity) {
		return new LeaseContext((context) -> {
		}, new LeaderTerm("replica-a_1", "test-lease", token, Instant.now(), validity));
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
