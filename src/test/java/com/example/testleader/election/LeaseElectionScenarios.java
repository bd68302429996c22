package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.Timeline.Entry;
import com.example.testleader.election.Timeline.Kind;
import com.example.testleader.WorkLog;
import com.example.testleader.faults.FaultProxy;
import com.example.testleader.task.TestSchedules;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Election timelines that must hold against any API server: the in-process one
 * ({@link LeaseElectionTest}) and a real k3s ({@code LeaseElectionK3sIT}). Timings are
 * shortened (lease 3 s, renew deadline 2 s, retry 0.5 s); every scenario ends by checking
 * that no two critical windows overlapped.
 */
abstract class LeaseElectionScenarios extends ElectionHarness {

	@Test
	void threeCandidatesElectExactlyOneLeaderAndTheOthersKnowWhoLeads() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"), start("replica-c"));
		Candidate leader = awaitSoleLeader(all);
		await().atMost(5, TimeUnit.SECONDS)
			.untilAsserted(() -> all.forEach((c) -> assertThat(c.elector().leadership().holder())
				.isEqualTo(leader.identity())));
		throughout(LEASE.multipliedBy(2))
			.atMost(LEASE.multipliedBy(3))
			.until(() -> this.timeline.leaders().equals(Set.of(leader.name())));
		assertThat(all).filteredOn((c) -> c.elector().leadership().leader()).containsExactly(leader);
		assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
	}

	@Test
	void gracefulLeaveRevokesTheWorkThenReleasesAndASuccessorTakesOver() throws Exception {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);
		long token = leader.elector().leadership().fencingToken();

		leader.elector().leave().get(10, TimeUnit.SECONDS);

		Candidate successor = awaitSoleLeader(all);
		assertThat(successor).isNotSameAs(leader);
		assertThat(successor.elector().leadership().fencingToken()).isEqualTo(token + 1);
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.RELEASED);
		// it left for good: it does not come back while the successor leads
		throughout(LEASE).atMost(LEASE.plusSeconds(1)).until(() -> !leader.elector().leadership().leader());
	}

	@Test
	void crashedLeaderIsSucceededOnlyAfterTheLeaseDuration() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);

		leader.crash();

		Candidate successor = awaitSoleLeader(List.of(all.get(0) == leader ? all.get(1) : all.get(0)));
		long lastRenewal = lastRenewal(leader);
		long takeover = this.timeline.last(successor.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - lastRenewal)).isGreaterThanOrEqualTo(LEASE);
	}

	@Test
	void silentlyPartitionedLeaderStepsDownBeforeTheLeaseExpiresForTheOthers() {
		leaderCutOffStepsDownFirst(FaultProxy.Mode.BLACKHOLE);
	}

	@Test
	void leaderAnswered503StepsDownBeforeTheLeaseExpiresForTheOthers() {
		leaderCutOffStepsDownFirst(FaultProxy.Mode.UNAVAILABLE);
	}

	private void leaderCutOffStepsDownFirst(FaultProxy.Mode fault) {
		WorkLog work = new WorkLog(Duration.ofMillis(100));
		List<Candidate> all = List.of(startWorking("replica-a", work), startWorking("replica-b", work),
				startWorking("replica-c", work));
		Candidate leader = awaitSoleLeader(all);
		await().atMost(LEASE).until(() -> !work.runsOf(leader.name()).isEmpty());

		leader.proxy().mode(fault);

		await().atMost(LEASE.multipliedBy(3))
			.until(() -> this.timeline.leaders().size() == 1 && !this.timeline.leaders().contains(leader.name()));
		Entry revoked = this.timeline.last(leader.name(), Kind.REVOKED).orElseThrow();
		long lastRenewal = lastRenewal(leader);
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.RENEW_DEADLINE);
		assertThat(Duration.ofNanos(revoked.nanos() - lastRenewal)).isLessThan(LEASE);

		// the work itself, not only the elector's events: the cut-off leader's last run
		// ended before the successor's first run began, and no two terms' runs overlapped
		String successor = this.timeline.leaders().iterator().next();
		await().atMost(LEASE).until(() -> !work.runsOf(successor).isEmpty());
		assertThat(work.lastRunOf(leader.name()).endNanos())
			.as("end of the cut-off leader's last run, before the successor's first began (System.nanoTime())")
			.isLessThan(work.runsOf(successor).get(0).startNanos());
		work.assertNoOverlap();

		leader.proxy().mode(FaultProxy.Mode.PASS);
		// healed, it follows the new leader instead of fighting it
		await().atMost(LEASE)
			.untilAsserted(() -> assertThat(leader.elector().leadership().holder()).isNotEqualTo(leader.identity())
				.isNotNull());
	}

	/**
	 * A candidate whose leader events drive the real scheduler of the critical work, which
	 * the elector also asks before a release; the work is recorded in {@code work}.
	 */
	private Candidate startWorking(String podName, WorkLog work) {
		TestSchedules schedule = closeAfterCandidates(TestSchedules.of(work.workOf(podName), Duration.ofMillis(150),
				Duration.ofMillis(500), Candidate.TIMINGS));
		Candidate candidate = Candidate.create(podName, podName, null, api(), this.timeline, Clock.systemUTC(),
				schedule, Candidate.TIMINGS, ElectionObserver.NONE, schedule);
		candidate.elector().start();
		candidate.elector().join();
		return track(candidate);
	}

	@Test
	void followersWithSkewedWallClocksDoNotTakeALiveLease() {
		Candidate leader = start("replica-a");
		awaitSoleLeader(List.of(leader));
		Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(20));
		Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-20));
		start("replica-ahead", "replica-ahead", ahead);
		start("replica-behind", "replica-behind", behind);

		throughout(LEASE.multipliedBy(3))
			.atMost(LEASE.multipliedBy(4))
			.until(() -> this.timeline.leaders().equals(Set.of(leader.name())));
	}

	@Test
	void restartedProcessWithTheSamePodNameLeadsOnlyAfterItsOwnWrite() {
		Candidate first = start("replica-a");
		awaitSoleLeader(List.of(first));
		long firstToken = first.elector().leadership().fencingToken();

		first.crash();
		Candidate restarted = start("replica-a (restarted)", "replica-a", Clock.systemUTC());

		assertThat(restarted.identity()).startsWith("replica-a_").isNotEqualTo(first.identity());
		awaitSoleLeader(List.of(restarted));
		long lastRenewal = lastRenewal(first);
		long takeover = this.timeline.first(restarted.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - lastRenewal)).isGreaterThanOrEqualTo(LEASE);
		assertThat(restarted.elector().leadership().fencingToken()).isGreaterThan(firstToken);
		assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(restarted.identity());
	}

	@Test
	void yieldHandsLeadershipOverAndTheYielderKeepsCompeting() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate first = awaitSoleLeader(all);
		LeaseContext context = (LeaseContext) this.timeline.last(first.name(), Kind.GRANTED).orElseThrow().detail();

		context.yield();

		Candidate second = awaitSoleLeader(all);
		assertThat(second).isNotSameAs(first);
		assertThat(context.isLeader()).isFalse();
		assertThat(this.timeline.last(first.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.YIELDED);

		second.crash();
		await().atMost(LEASE.multipliedBy(4)).until(() -> this.timeline.leaders().equals(Set.of(first.name())));
	}

	@Test
	void leaseDeletedUnderTheLeaderIsNoticedAndHandedOnAndTheTokenKeepsRising() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);
		long token = leader.elector().leadership().fencingToken();

		long deleted = System.nanoTime();
		admin().leases().inNamespace("default").withName("test-lease").delete();

		awaitSecondTerm();
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.DELETED);
		assertThat(lease().getSpec().getLeaseTransitions()).isGreaterThan((int) token);
		// the old leader stopped its work, then created the Lease again, released: no one
		// had to wait the deletion out
		Entry second = this.timeline.entries().stream().filter((e) -> e.kind() == Kind.GRANTED).skip(1).findFirst().orElseThrow();
		assertThat(Duration.ofNanos(second.nanos() - deleted)).isLessThan(LEASE);
	}

	@Test
	void holderOverwrittenUnderTheLeaderIsNoticedAndWaitedOut() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);

		long edited = editLease((lease) -> lease.getSpec().setHolderIdentity("intruder"));

		awaitSecondTerm();
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.TAKEN_OVER);
		assertTakenOnlyAfterALeaseDuration(all, edited);
	}

	@Test
	void holderClearedByHandIsNotMistakenForARelease() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		awaitSoleLeader(all);

		long edited = editLease((lease) -> lease.getSpec().setHolderIdentity(""));

		awaitSecondTerm();
		assertTakenOnlyAfterALeaseDuration(all, edited);
	}

	@Test
	void malformedLeaseIsTakenOverAfterTheConfiguredDurationAndTheLoopSurvives() {
		long created = System.nanoTime();
		createLease(new LeaseSpecBuilder().withHolderIdentity("ghost").build());
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));

		Candidate leader = awaitSoleLeader(all);

		long takeover = this.timeline.first(leader.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - created)).isGreaterThanOrEqualTo(LEASE);
		assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo((int) LEASE.toSeconds());
	}

	@Test
	void leaseMadeMalformedUnderTheLeaderIsRepairedWithoutLosingTheTerm() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);
		long token = leader.elector().leadership().fencingToken();

		editLease((lease) -> {
			lease.getSpec().setLeaseDurationSeconds(null);
			lease.getSpec().setRenewTime(null);
		});

		await().atMost(LEASE)
			.untilAsserted(() -> assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo((int) LEASE.toSeconds()));
		assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo((int) token);
		assertThat(this.timeline.leaders()).containsExactly(leader.name());
	}

	@Test
	void aHolderIdentityCopiedByAnOperatorIsWaitedOutForAtLeastTheConfiguredDuration() {
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));
		Candidate leader = awaitSoleLeader(all);
		Candidate follower = all.get(0) == leader ? all.get(1) : all.get(0);

		// the follower's own identity, copied from /actuator/leadership into `kubectl edit`,
		// claiming a lease of one second: neither is this process's write
		long edited = editLease((lease) -> {
			lease.getSpec().setHolderIdentity(follower.identity());
			lease.getSpec().setLeaseDurationSeconds(1);
		});

		awaitSecondTerm();
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.TAKEN_OVER);
		assertTakenOnlyAfterALeaseDuration(all, edited);
	}

	@Test
	void pastTheCeilingOfLeaseTransitionsTheTokenKeepsRisingInANewEpoch() throws Exception {
		admin().leases()
			.inNamespace("default")
			.resource(LeaseRecord.created("default", "test-lease", "ghost", LEASE, java.time.ZonedDateTime.now(),
					Integer.MAX_VALUE))
			.create();
		List<Candidate> all = List.of(start("replica-a"), start("replica-b"));

		Candidate first = awaitSoleLeader(all);
		assertThat(first.elector().leadership().fencingToken()).isEqualTo(Integer.MAX_VALUE + 1L);
		assertThat(lease().getSpec().getLeaseTransitions()).isZero();
		assertThat(lease().getMetadata().getAnnotations()).containsEntry(LeaseRecord.FENCING_EPOCH, "1");

		first.elector().leave().get(10, TimeUnit.SECONDS);
		Candidate second = awaitSoleLeader(all);
		assertThat(second.elector().leadership().fencingToken()).isEqualTo(Integer.MAX_VALUE + 2L);
		assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
	}

}
