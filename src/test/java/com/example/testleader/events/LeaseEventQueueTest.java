package com.example.testleader.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.TestElectors;
import com.example.testleader.election.TestLeaseContexts;
import com.example.testleader.election.Ticker;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.local.LocalKubernetesApi.ApiRequest;
import com.example.testleader.local.LocalKubernetesApi;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue on its own, against the in-process API, whose answers to Events come late: it
 * drops rather than waits, and its stop sends what fits in the timeout.
 */
class LeaseEventQueueTest {

	private static final String EVENTS = "/api/v1/namespaces/default/events";

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final LeaseElector elector = TestElectors.elector(this.api.clientConfig(), "replica-a", Ticker.SYSTEM,
			ElectionObserver.NONE);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.elector.close();
		this.admin.close();
		this.api.close();
	}

	@Test
	void anOfferThatFindsTheQueueFullIsDroppedAtOnce() {
		answerEventsAfter(Duration.ofSeconds(2));
		LeaseEventQueue queue = start(1, Duration.ofSeconds(3));
		queue.offer(change(0));
		await().atMost(Duration.ofSeconds(10)).until(() -> stored().size() == 1);

		queue.offer(change(1));
		queue.offer(change(2));

		assertThat(count("dropped")).isOne();
		answerEventsAfter(Duration.ZERO);
		queue.stop();
		assertThat(stored()).extracting(Event::getMessage)
			.containsExactly(change(0).message(), change(1).message());
		assertThat(count("sent")).isEqualTo(2);
	}

	@Test
	void stoppingSendsWhatIsStillQueuedWhenItFitsTheTimeout() {
		answerEventsAfter(Duration.ofSeconds(1));
		LeaseEventQueue queue = start(16, Duration.ofSeconds(3));
		queue.offer(change(0));
		queue.offer(change(1));

		queue.stop();

		assertThat(stored()).extracting(Event::getMessage)
			.containsExactly(change(0).message(), change(1).message());
		assertThat(count("sent")).isEqualTo(2);
		assertThat(count("dropped")).isZero();
		assertThat(queue.isRunning()).isFalse();
	}

	@Test
	void stoppingDropsWhatTheTimeoutLeavesAndCountsIt() {
		answerEventsAfter(Duration.ofSeconds(2));
		LeaseEventQueue queue = start(16, Duration.ofSeconds(3));
		queue.offer(change(0));
		queue.offer(change(1));
		queue.offer(change(2));

		queue.stop();

		// the first answered at 2 s, the second in flight when the 3 s were up, the third never sent
		assertThat(stored()).extracting(Event::getMessage)
			.containsExactly(change(0).message(), change(1).message());
		assertThat(count("dropped")).isOne();
		assertThat(count("sent")).isOne();
	}

	@Test
	void itStartsBeforeTheElectorAndStopsAfterItSoTheEventOfAGracefulStepDownIsSent() {
		LeaseEventQueue queue = new LeaseEventQueue(new EventsProperties(true, 16, Duration.ofSeconds(3)), null, null,
				"test-leader", new EventOutcomes(this.registry, java.util.List.of("test-lease")));

		// lower phases start first and stop last
		assertThat(queue.getPhase()).isLessThan(this.elector.getPhase());
	}

	private LeaseEventQueue start(int capacity, Duration timeout) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory(
				Map.of("config", this.api.clientConfig(), "elector", TestElectors.electors(this.elector)));
		LeaseEventQueue queue = new LeaseEventQueue(new EventsProperties(true, capacity, timeout),
				beans.getBeanProvider(Config.class), beans.getBeanProvider(Electors.class), "test-leader",
				new EventOutcomes(this.registry, java.util.List.of("test-lease")));
		queue.start();
		return queue;
	}

	/** Token 0 became leader, every later token stopped leading: distinct messages, in order. */
	private static LeadershipChange change(int token) {
		LeaderTerm term = new LeaderTerm("replica-a_00000000", "test-lease", token, Instant.EPOCH,
				TestLeaseContexts.validFor(Duration.ZERO));
		Instant at = Instant.parse("2026-11-25T00:00:00Z").plusSeconds(token);
		return (token == 0) ? LeadershipChange.became(term, Optional.empty(), at)
				: LeadershipChange.stopped(term, StepDownReason.YIELDED, true, null, at);
	}

	/** Answers the creation of Events late (they are stored at once); reads are not delayed. */
	private void answerEventsAfter(Duration delay) {
		this.api.delay((request) -> isEventWrite(request) ? delay : Duration.ZERO);
	}

	static boolean isEventWrite(ApiRequest request) {
		return request.method().equals("POST") && request.path().startsWith(EVENTS);
	}

	private double count(String outcome) {
		return this.registry.get("leader.election.events").tag("outcome", outcome).counter().count();
	}

	private List<Event> stored() {
		return this.admin.v1()
			.events()
			.inNamespace("default")
			.list()
			.getItems()
			.stream()
			.sorted(Comparator.comparing((Event event) -> event.getMetadata().getName()))
			.toList();
	}

}
