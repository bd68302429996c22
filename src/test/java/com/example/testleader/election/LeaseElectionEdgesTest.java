package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.Timeline.Entry;
import com.example.testleader.election.Timeline.Kind;
import com.example.testleader.faults.FaultProxy;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Timelines at the edges of the election's promises, which need the in-process API's
 * control over answers (delays) or a misbehaving observer: each reproduces a way the
 * promise broke before.
 */
class LeaseElectionEdgesTest extends ElectionHarness {

	/**
	 * Someone labels the Lease (metadata only: followers' timers go on), so the leader's
	 * next renewal meets a 409, slowly; the read after it is slow, the write after that
	 * hangs. The whole attempt must end by the renew deadline, before any follower may
	 * take over; three calls each given the full call timeout ended it after the lease had
	 * expired for the follower.
	 */
	@Test
	void aRenewalThatMeetsASlowConflictEndsByTheRenewDeadline() {
		LeaderAndFollower started = leaderAndFollower();
		Candidate leader = started.leader();
		Candidate follower = started.follower();

		// just under the longest call (half the renew deadline), so that each call answers
		Duration slow = Candidate.TIMINGS.renewDeadline().multipliedBy(45).dividedBy(100);
		AtomicInteger phase = new AtomicInteger();
		server().delay((request) -> {
			if (!"replica-a".equals(request.client())) {
				return Duration.ZERO;
			}
			if (phase.get() == 0 && request.method().equals("PUT") && request.status() == 409) {
				phase.set(1);
				return slow;
			}
			if (phase.get() == 1 && request.isGetByName()) {
				phase.set(2);
				return slow;
			}
			return (phase.get() == 2 && request.method().equals("PUT")) ? Duration.ofMinutes(1) : Duration.ZERO;
		});
		editLease((lease) -> lease.getMetadata().setLabels(java.util.Map.of("touched-by", "gitops")));

		Candidate successor = awaitSoleLeader(List.of(follower));
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.RENEW_DEADLINE);
		// the leader's own last renewal (its term counts from it), not a write it never heard back of
		long lastRenewal = this.timeline.last(leader.name(), Kind.RENEWED).orElseThrow().nanos();
		long stepDown = this.timeline.last(leader.name(), Kind.LOST).orElseThrow().nanos();
		long takeover = this.timeline.last(successor.name(), Kind.GRANTED).orElseThrow().nanos();
		// the term ended by its deadline (with room for the loop's own scheduling), and so
		// before the successor could start
		assertThat(Duration.ofNanos(stepDown - lastRenewal))
			.isLessThan(Candidate.TIMINGS.renewDeadline().plus(Candidate.TIMINGS.stopMargin().dividedBy(2)));
		assertThat(stepDown).isLessThan(takeover);
	}

	/**
	 * The leader's link turns slow: its renewal lands on the API, but the answer comes only
	 * after the renew deadline, so it steps down then, while the follower, who saw that
	 * write, would wait a full lease from it. Once the work has stopped and the API answers
	 * again, the leader releases the Lease, over the version it read, which still names its
	 * term: the follower takes it at once.
	 */
	@Test
	void aLeaderThatSteppedDownAtItsRenewDeadlineReleasesItsTermOnceItsWorkStopped() {
		LeaderAndFollower started = leaderAndFollower();
		Candidate leader = started.leader();
		Candidate follower = started.follower();

		answerLateUntilItStepsDown(leader);

		Candidate successor = awaitSoleLeader(List.of(follower));
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.RENEW_DEADLINE);
		assertThat(this.timeline.last(leader.name(), Kind.ENDED).orElseThrow().detail())
			.isEqualTo(new Timeline.Ending(StepDownReason.RENEW_DEADLINE, true, null));
		LocalKubernetesApi.ApiCall release = server().firstRelease().orElseThrow();
		// released only once the work had stopped
		assertThat(release.receivedAtNanos())
			.isGreaterThan(this.timeline.last(leader.name(), Kind.REVOKED).orElseThrow().nanos());
		// over the renewal it never heard back of, which had landed
		long lastWrite = lastRenewal(leader);
		assertThat(release.receivedAtNanos()).isGreaterThan(lastWrite);
		// the follower took the release (the next write), not the lease a full duration after that renewal
		assertThat(server().calls()
			.stream()
			.filter((call) -> call.isWrite() && call.succeeded() && call.receivedAtNanos() > release.receivedAtNanos())
			.findFirst()
			.map((call) -> Serialization.unmarshal(call.body(), Lease.class).getSpec().getHolderIdentity()))
			.contains(successor.identity());
		long takeover = this.timeline.last(successor.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(takeover).isLessThan(lastWrite + LEASE.toNanos());
	}

	/**
	 * As above, but the link stays slow after the step-down: every read and write of the
	 * leader answered 350 ms late, so that a conflict, a read and a write (over the last
	 * write it heard back of, which its late renewal replaced) do not fit the release's
	 * time (two retry periods), while a read and one write do.
	 */
	@Test
	void aLeaderThatSteppedDownAtItsRenewDeadlineOnALinkStillSlowReleasesWithOneReadAndOneWrite() {
		LeaderAndFollower started = leaderAndFollower();
		Candidate leader = started.leader();
		Candidate follower = started.follower();

		server().delay((request) -> !"replica-a".equals(request.client())
				|| !(request.method().equals("PUT") || request.isGetByName()) ? Duration.ZERO
						: this.timeline.last(leader.name(), Kind.LOST).isEmpty() ? Duration.ofMinutes(1)
								: Duration.ofMillis(350));

		awaitSoleLeader(List.of(follower));
		await().atMost(LEASE).until(() -> this.timeline.last(leader.name(), Kind.ENDED).isPresent());
		assertThat(this.timeline.last(leader.name(), Kind.ENDED).orElseThrow().detail())
			.isEqualTo(new Timeline.Ending(StepDownReason.RENEW_DEADLINE, true, null));
		long lost = this.timeline.last(leader.name(), Kind.LOST).orElseThrow().nanos();
		assertThat(server().calls()
			.stream()
			.filter((call) -> "replica-a".equals(call.client()) && call.isWrite() && call.receivedAtNanos() > lost))
			.as("writes of the leader after its step-down")
			.singleElement()
			.satisfies((release) -> assertThat(release.succeeded()).isTrue());
	}

	/**
	 * As above, but work of the ended term still runs when the leader steps down: the
	 * Lease is not released, and is waited out.
	 */
	@Test
	void aLeaderThatSteppedDownAtItsRenewDeadlineReleasesNothingWhileItsWorkStillRuns() {
		Candidate leader = track(Candidate.create("replica-a", "replica-a", null, tagged("replica-a"),
				this.timeline, Clock.systemUTC(), Candidate.NO_LISTENER, Candidate.TIMINGS, ElectionObserver.NONE,
				(role) -> java.util.Optional.of("the critical work of fencingToken=[0] still runs")));
		leader.elector().start();
		leader.elector().join();
		awaitSoleLeader(List.of(leader));
		Candidate follower = start("replica-b");
		await().atMost(LEASE).until(() -> leader.identity().equals(follower.elector().leadership().holder()));

		answerLateUntilItStepsDown(leader);

		awaitSoleLeader(List.of(follower));
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.RENEW_DEADLINE);
		assertThat(this.timeline.last(leader.name(), Kind.ENDED).orElseThrow().detail())
			.isEqualTo(new Timeline.Ending(StepDownReason.RENEW_DEADLINE, false, null));
		assertThat(server().firstRelease()).isEmpty();
		assertTakenOnlyAfterALeaseDuration(List.of(follower), lastRenewal(leader));
	}

	/**
	 * {@code leader}'s reads and writes of the Lease take effect at once but are answered a
	 * minute late (a slow link) until it has stepped down; from then on at once (healed).
	 */
	private void answerLateUntilItStepsDown(Candidate leader) {
		server().delay((request) -> "replica-a".equals(request.client())
				&& (request.method().equals("PUT") || request.isGetByName())
				&& this.timeline.last(leader.name(), Kind.LOST).isEmpty() ? Duration.ofMinutes(1) : Duration.ZERO);
	}

	/**
	 * The lifecycle stops the elector while its loop is stuck (an observer that blocks):
	 * the queued leave never runs, yet the work must still be revoked.
	 */
	@Test
	void stoppingWhileTheLoopIsStuckStillRevokesTheWork() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		CountDownLatch unblock = new CountDownLatch(1);
		AtomicReference<Boolean> armed = new AtomicReference<>(false);
		Candidate leader = track(Candidate.create("replica-a", "replica-a", api(), this.timeline, Clock.systemUTC(),
				Candidate.NO_LISTENER, Candidate.TIMINGS, new ElectionObserver() {

					@Override
					public void renewal(LeaderTerm term, RenewalOutcome outcome) {
						if (armed.get()) {
							stuck.countDown();
							awaitQuietly(unblock);
						}
					}

				}));
		leader.elector().start();
		leader.elector().join();
		awaitSoleLeader(List.of(leader));
		LeaseContext context = (LeaseContext) this.timeline.last(leader.name(), Kind.GRANTED).orElseThrow().detail();
		armed.set(true);
		assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Handover> asked = leader.elector().yieldLeadership();
		try {
			leader.elector().stop();

			// a request the stuck loop never got to is answered, not left hanging
			assertThat(asked).isCompletedWithValue(Handover.NOT_LEADING);
			assertThat(context.isLeader()).isFalse();
			// revoked without waiting for the work: its own deadline stops it
			await().atMost(Candidate.TIMINGS.stopMargin()).until(() -> this.timeline.leaders().isEmpty());
			assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
				.isEqualTo(StepDownReason.ABANDONED);
			assertThat(context.isLeader()).isFalse();
		}
		finally {
			unblock.countDown();
		}
	}

	@Test
	void aJoinBeforeTheStartCompetesOnceStarted() {
		Candidate candidate = track(Candidate.create("replica-a", "replica-a", api(), this.timeline, Clock.systemUTC(),
				Candidate.NO_LISTENER, Candidate.TIMINGS, ElectionObserver.NONE));
		candidate.elector().join();
		assertThat(candidate.elector().leadership().competing()).isFalse();

		candidate.elector().start();

		awaitSoleLeader(List.of(candidate));
		assertThat(candidate.elector().leadership().competing()).isTrue();
	}

	/**
	 * A replica's watch runs from its start and delivers the Lease while the replica does
	 * not compete yet; the read with which it joins returns that very version. The watch's
	 * next versions are news all the same: here the holder releases the Lease just after,
	 * and the replica takes it from the watch, with one request (its take), not after a
	 * read of its own a retry period later. It took the watch's versions for stale for a
	 * retry period after joining (the read made it wait for the watch to deliver that
	 * version, which it had done already), and so missed, in a rollout, the leaving
	 * leader's offer to the pod that had just joined: the role was released to whoever
	 * took it first. The Lease's holder is a foreign record that nobody renews, so the
	 * version read is the one the watch delivered; a long retry period keeps the
	 * replica's own next read far off.
	 */
	@Test
	void aReplicaThatJoinedActsOnTheWatchAtOnceThoughItsFirstReadWasDeliveredBeforeItCompeted() {
		LeaderElectionProperties timings = new LeaderElectionProperties("test-lease", "default", null,
				Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(5));
		ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
		createLease(new LeaseSpecBuilder().withHolderIdentity("replica-z_1")
			.withLeaseDurationSeconds((int) timings.leaseDuration().toSeconds())
			.withAcquireTime(now)
			.withRenewTime(now)
			.withLeaseTransitions(0)
			.build());
		AtomicReference<FaultProxy> proxy = new AtomicReference<>();
		CompletableFuture<Long> requestsAtTake = new CompletableFuture<>();
		Candidate candidate = track(Candidate.create("replica-b", "replica-b", api(), this.timeline, Clock.systemUTC(),
				Candidate.NO_LISTENER, timings, new ElectionObserver() {

					@Override
					public void acquired(LeaderTerm term) {
						// on the election's loop, right after the take's answer
						requestsAtTake.complete(proxy.get().requests());
					}

				}));
		proxy.set(candidate.proxy());
		candidate.elector().start();
		// its watch has listed the Lease and watches it: it delivered the held version
		await().until(() -> candidate.proxy().requests() >= 2);
		candidate.elector().join();
		await().pollInterval(Duration.ofMillis(5)).until(() -> candidate.elector().liveHolder().isPresent());
		long read = candidate.proxy().requests();

		admin().leases()
			.inNamespace("default")
			.resource(new LeaseRecord(lease()).releasedBy("replica-z_1", ZonedDateTime.now(ZoneOffset.UTC)))
			.update();

		assertThat(requestsAtTake).succeedsWithin(timings.retryPeriod().multipliedBy(3))
			.as("requests from its first read to its take")
			.isEqualTo(read + 1);
		awaitSoleLeader(List.of(candidate));
	}

	@Test
	void anElectorStoppedAndStartedAgainCompetesAgain() {
		Candidate candidate = start("replica-a");
		awaitSoleLeader(List.of(candidate));

		candidate.elector().stop();
		assertThat(this.timeline.leaders()).isEmpty();
		assertThat(candidate.elector().leadership().competing()).isFalse();
		candidate.elector().start();

		await().atMost(LEASE.multipliedBy(2))
			.until(() -> this.timeline.entries().stream().filter((e) -> e.kind() == Kind.GRANTED).count() == 2
					&& this.timeline.leaders().contains(candidate.name()));
		assertThat(candidate.elector().leadership().competing()).isTrue();
	}

	/**
	 * An operator asks the leader to hand over just as its term ends for another reason
	 * (here: someone else wrote the Lease). The answer must say nothing was handed over.
	 */
	@Test
	void aYieldThatArrivesAfterTheTermEndedHandsNothingOver() throws Exception {
		CountDownLatch conflicted = new CountDownLatch(1);
		CountDownLatch proceed = new CountDownLatch(1);
		Candidate leader = track(Candidate.create("replica-a", "replica-a", api(), this.timeline, Clock.systemUTC(),
				Candidate.NO_LISTENER, Candidate.TIMINGS, new ElectionObserver() {

					@Override
					public void renewal(LeaderTerm term, RenewalOutcome outcome) {
						if (outcome == RenewalOutcome.CONFLICT) {
							conflicted.countDown();
							awaitQuietly(proceed);
						}
					}

				}));
		leader.elector().start();
		leader.elector().join();
		awaitSoleLeader(List.of(leader));

		editLease((lease) -> lease.getSpec().setHolderIdentity("intruder"));
		assertThat(conflicted.await(10, TimeUnit.SECONDS)).isTrue();
		// the loop has found the Lease taken but not yet ended the term: the replica still
		// believes it leads when asked
		assertThat(leader.elector().leadership().leader()).isTrue();
		CompletableFuture<Handover> asked = leader.elector().yieldLeadership();
		proceed.countDown();

		assertThat(asked.get(10, TimeUnit.SECONDS)).isEqualTo(Handover.NOT_LEADING);
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.TAKEN_OVER);
		assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("intruder");
	}

	@Test
	void aYieldOfTheLeaderSaysTheLeaseWasReleased() throws Exception {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);

		assertThat(leader.elector().yieldLeadership().get(10, TimeUnit.SECONDS)).isEqualTo(Handover.RELEASED);

		Candidate successor = awaitSoleLeader(all);
		assertThat(successor).isNotSameAs(leader);
		Entry lost = this.timeline.last(leader.name(), Kind.LOST).orElseThrow();
		assertThat(lost.detail()).isEqualTo(StepDownReason.YIELDED);
		// observers hear the outcome only after the release, not with the step-down
		Entry ended = this.timeline.last(leader.name(), Kind.ENDED).orElseThrow();
		assertThat(ended.detail()).isEqualTo(new Timeline.Ending(StepDownReason.YIELDED, true, null));
		assertThat(ended.nanos()).isGreaterThan(this.timeline.last(leader.name(), Kind.REVOKED).orElseThrow().nanos());
	}

	/**
	 * The revocation's listeners returned, yet work of the ended term still runs (its
	 * refusal was lost on the way: an error handler on the event multicaster swallows a
	 * listener's exception). The Lease must not be released.
	 */
	@Test
	void theLeaseIsNotReleasedWhileWorkOfTheEndedTermStillRuns() throws Exception {
		Candidate leader = track(Candidate.create("replica-a", "replica-a", null, api(), this.timeline,
				Clock.systemUTC(), Candidate.NO_LISTENER, Candidate.TIMINGS, ElectionObserver.NONE,
				(role) -> java.util.Optional.of("the critical work of fencingToken=[0] still runs")));
		leader.elector().start();
		leader.elector().join();
		awaitSoleLeader(List.of(leader));
		start("replica-b");

		assertThat(leader.elector().leave().get(10, TimeUnit.SECONDS)).isEqualTo(Handover.NOT_RELEASED);

		assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
		assertThat(server().firstRelease()).isEmpty();
		assertThat(this.timeline.last("replica-a", Kind.ENDED).orElseThrow().detail())
			.isEqualTo(new Timeline.Ending(StepDownReason.RELEASED, false, null));
	}

	/** The API config of a client the in-process API can tell apart ({@link LocalKubernetesApi#delay}). */
	private Config tagged(String client) {
		return new ConfigBuilder(api()).addToCustomHeaders(LocalKubernetesApi.CLIENT_HEADER, client).build();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A leader whose calls carry the client tag replica-a, and a follower that has seen it lead. */
	private LeaderAndFollower leaderAndFollower() {
		Candidate leader = track(Candidate.start("replica-a", "replica-a", tagged("replica-a"), this.timeline,
				Clock.systemUTC(), Candidate.NO_LISTENER));
		awaitSoleLeader(List.of(leader));
		Candidate follower = start("replica-b");
		await().atMost(LEASE).until(() -> leader.identity().equals(follower.elector().leadership().holder()));
		return new LeaderAndFollower(leader, follower);
	}

	private record LeaderAndFollower(Candidate leader, Candidate follower) {
	}

}
