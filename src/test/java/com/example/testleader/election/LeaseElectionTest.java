package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.Timeline.Kind;
import com.example.testleader.faults.FaultProxy;
import com.example.testleader.local.LocalKubernetesApi.ApiCall;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The election scenarios against fabric8's in-process API, plus what only it can show: the
 * order in which requests reached the server, and listeners that misbehave.
 */
class LeaseElectionTest extends LeaseElectionScenarios {

	@Override
	protected void afterScenario() {
		assertThat(server().calls()).filteredOn((call) -> call.method().equals("PUT"))
			.allSatisfy((call) -> assertThat(Serialization.unmarshal(call.body(), Lease.class)
				.getMetadata()
				.getResourceVersion()).as("resourceVersion of %s", call.body()).isNotBlank());
	}

	@Test
	void theWorkHasStoppedBeforeTheReleaseReachesTheApi() throws Exception {
		CountDownLatch stopping = new CountDownLatch(1);
		CountDownLatch stop = new CountDownLatch(1);
		Candidate leader = track(Candidate.start("replica-a", "replica-a", api(), this.timeline, Clock.systemUTC(),
				new StopsWhenLetGo(stopping, stop)));
		awaitSoleLeader(List.of(leader));
		long token = leader.elector().leadership().fencingToken();

		CompletableFuture<Handover> left = leader.elector().leave();
		assertThat(stopping.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(server().firstRelease()).as("a release sent while the work is still stopping").isEmpty();
		stop.countDown();
		left.get(10, TimeUnit.SECONDS);

		long workStopped = this.timeline.last(leader.name(), Kind.REVOKED).orElseThrow().nanos();
		ApiCall release = server().firstRelease().orElseThrow();
		assertThat(release.receivedAtNanos()).isGreaterThan(workStopped);
		Lease released = lease();
		assertThat(released.getSpec().getHolderIdentity()).isEmpty();
		assertThat(released.getSpec().getLeaseTransitions()).isEqualTo((int) token);
		assertThat(released.getMetadata().getAnnotations()).containsEntry(LeaseRecord.RELEASED_BY, leader.identity());
	}

	@Test
	void aReleasedLeaseIsTakenAtOnceWithoutWaitingForItToExpire() throws Exception {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);

		leader.elector().leave().get(10, TimeUnit.SECONDS);
		long released = System.nanoTime();

		Candidate successor = awaitSoleLeader(all);
		long takeover = this.timeline.last(successor.name(), Kind.GRANTED).orElseThrow().nanos();
		// without the release the successor would wait a whole lease duration
		assertThat(Duration.ofNanos(takeover - released)).isLessThan(LEASE);
	}

	@Test
	void aListenerThatBlocksDoesNotStopRenewals() {
		CountDownLatch unblock = new CountDownLatch(1);
		Candidate leader = track(Candidate.start("replica-a", "replica-a", api(), this.timeline, Clock.systemUTC(),
				new Blocking(unblock)));
		awaitSoleLeader(List.of(leader));
		start("replica-b");
		try {
			throughout(LEASE.multipliedBy(3))
				.atMost(LEASE.multipliedBy(4))
				.until(() -> this.timeline.leaders().equals(Set.of(leader.name()))
						&& leader.elector().leadership().leader());
		}
		finally {
			unblock.countDown();
		}
	}

	@Test
	void aListenerThatThrowsIsLoggedAndTheElectionGoesOn() throws Exception {
		Candidate leader = track(Candidate.start("replica-a", "replica-a", api(), this.timeline, Clock.systemUTC(),
				new Throwing()));
		awaitSoleLeader(List.of(leader));
		Candidate follower = start("replica-b");
		throughout(LEASE.multipliedBy(2))
			.atMost(LEASE.multipliedBy(3))
			.until(() -> leader.elector().leadership().leader());

		// a failed revocation means the work may still run: no early release
		long leaving = System.nanoTime();
		leader.elector().leave().get(10, TimeUnit.SECONDS);
		assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
		awaitSoleLeader(List.of(follower));
		long takeover = this.timeline.last(follower.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - leaving)).isGreaterThanOrEqualTo(LEASE.minus(Candidate.TIMINGS.retryPeriod()));
	}

	@Test
	void anUnreachableApiIsRetriedWithBackoffAndTheLoopRecovers() {
		Candidate candidate = start("replica-a");
		awaitSoleLeader(List.of(candidate));

		candidate.proxy().mode(FaultProxy.Mode.UNAVAILABLE);
		await().atMost(LEASE).until(() -> !candidate.elector().leadership().leader());
		// the loop keeps stepping (backoff is capped at two retry periods) while the API fails
		throughout(LEASE.multipliedBy(2))
			.atMost(LEASE.multipliedBy(3))
			.until(() -> candidate.elector().sinceLastStep().orElseThrow().compareTo(LEASE.plusSeconds(1)) < 0);

		candidate.proxy().mode(FaultProxy.Mode.PASS);
		await().atMost(LEASE.multipliedBy(3)).until(() -> candidate.elector().leadership().leader());
	}

	/** Slow polling (every 10-22 s): a takeover within seconds can only come from the watch. */
	private static final LeaderElectionProperties SLOW_POLLING = new LeaderElectionProperties("test-lease", "default",
			null, Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(10));

	@Test
	void aReleaseSeenThroughTheWatchIsTakenWithoutWaitingForAPoll() throws Exception {
		Candidate leader = slowPolling("replica-a");
		awaitSoleLeader(List.of(leader));
		Candidate follower = slowPolling("replica-b");
		await().atMost(LEASE).until(() -> leader.identity().equals(follower.elector().leadership().holder()));

		leader.elector().leave().get(10, TimeUnit.SECONDS);
		long released = System.nanoTime();

		awaitSoleLeader(List.of(follower));
		long takeover = this.timeline.last(follower.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - released)).isLessThan(SLOW_POLLING.retryPeriod());
	}

	@Test
	void aDroppedWatchIsReestablished() throws Exception {
		Candidate leader = slowPolling("replica-a");
		awaitSoleLeader(List.of(leader));
		Candidate follower = slowPolling("replica-b");
		await().atMost(LEASE).until(() -> leader.identity().equals(follower.elector().leadership().holder()));

		long watches = watchRequests();
		follower.proxy().dropConnections();
		await().atMost(LEASE).until(() -> watchRequests() > watches);
		leader.elector().leave().get(10, TimeUnit.SECONDS);
		long released = System.nanoTime();

		awaitSoleLeader(List.of(follower));
		long takeover = this.timeline.last(follower.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - released)).isLessThan(SLOW_POLLING.retryPeriod());
	}

	@Test
	void withoutAWatchPollingStillElectsAndHandsOver() throws Exception {
		server().refuse((path) -> path.contains("fieldSelector="));
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);

		leader.elector().leave().get(10, TimeUnit.SECONDS);

		Candidate successor = awaitSoleLeader(all);
		assertThat(successor).isNotSameAs(leader);
		assertThat(server().calls()).filteredOn((call) -> call.path().contains("fieldSelector="))
			.isNotEmpty()
			.allSatisfy((call) -> assertThat(call.status()).isEqualTo(500));
	}

	private long watchRequests() {
		return server().calls().stream().filter((call) -> call.path().contains("watch=true")).count();
	}

	private Candidate slowPolling(String name) {
		return track(Candidate.start(name, name, api(), this.timeline, Clock.systemUTC(), Candidate.NO_LISTENER,
				SLOW_POLLING));
	}

	@Test
	void anUpdateWithoutAResourceVersionIsRefused() {
		try (LeaseApi api = new LeaseApi(server().client(), "default", "test-lease")) {
			Lease lease = LeaseRecord.created("default", "test-lease", "me", LEASE, java.time.ZonedDateTime.now(), 0);
			assertThatIllegalArgumentException().isThrownBy(() -> api.update(lease, Duration.ofSeconds(1)))
				.withMessageContaining("must carry a resourceVersion");
		}
	}

	/**
	 * A revocation listener whose work keeps stopping until the test lets it go: it counts
	 * down {@code stopping} when revoked, then waits for {@code stop}.
	 */
	private record StopsWhenLetGo(CountDownLatch stopping, CountDownLatch stop) implements LeaderEventPublisher {

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
			this.stopping.countDown();
			try {
				this.stop.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
		}

	}

	private record Blocking(CountDownLatch unblock) implements LeaderEventPublisher {

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
			try {
				this.unblock.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
		}

	}

	private static final class Throwing implements LeaderEventPublisher {

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
			throw new IllegalStateException("listener failed on grant");
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
			throw new IllegalStateException("listener failed on revoke");
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
		}

	}

}
