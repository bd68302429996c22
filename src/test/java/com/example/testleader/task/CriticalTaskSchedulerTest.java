package com.example.testleader.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.testleader.election.FreezableTicker;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.LeaseContext;
import com.example.testleader.election.TermValidity;
import com.example.testleader.election.TestLeaseContexts;
import com.example.testleader.election.Ticker;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** The scheduler with a fake leadership source: no API server involved. */
@ExtendWith(OutputCaptureExtension.class)
class CriticalTaskSchedulerTest {

	private static final LeaderElectionProperties ELECTION = new LeaderElectionProperties("test-lease", "default",
			null, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));

	private static final CriticalTaskProperties TASK = new CriticalTaskProperties(Duration.ofMillis(50),
			Duration.ofMillis(300));

	private final TermValidity term = TestLeaseContexts.validFor(Duration.ofHours(1));

	private final LeaseContext context = TestLeaseContexts.context("replica-a_1", 7, this.term);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private CriticalTaskScheduler scheduler;

	@AfterEach
	void shutDown() {
		if (this.scheduler != null) {
			this.scheduler.shutDown();
		}
	}

	@Test
	void runsTheWorkFromTheGrantUntilTheRevocation() {
		List<LeaderTerm> runs = new CopyOnWriteArrayList<>();
		this.scheduler = scheduler(runs::add);

		this.scheduler.onGranted(granted());
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() >= 3);
		this.scheduler.onRevoked(revoked());
		int afterRevocation = runs.size();

		throughout(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> runs.size() == afterRevocation);
		assertThat(runs).allSatisfy((term) -> assertThat(term.fencingToken()).isEqualTo(7));
	}

	@Test
	void theRevocationReturnsOnlyOnceTheRunInFlightHasFinished() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		AtomicBoolean finished = new AtomicBoolean();
		this.scheduler = scheduler((term) -> {
			started.countDown();
			busyFor(Duration.ofMillis(150));
			finished.set(true);
		});
		this.scheduler.onGranted(granted());
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

		this.scheduler.onRevoked(revoked());

		assertThat(finished).isTrue();
	}

	@Test
	void aRunThatOverstaysTheStopTimeoutIsInterrupted() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		this.scheduler = scheduler((term) -> {
			started.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
				throw ex;
			}
		});
		this.scheduler.onGranted(granted());
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

		this.scheduler.onRevoked(revoked());

		assertThat(interrupted).isTrue();
	}

	@Test
	void aRunThatIgnoresItsInterruptionFailsTheRevocation() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		AtomicBoolean stop = new AtomicBoolean();
		this.scheduler = scheduler((term) -> {
			started.countDown();
			while (!stop.get()) {
				Thread.onSpinWait();
			}
		});
		this.scheduler.onGranted(granted());
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		try {
			assertThatIllegalStateException().isThrownBy(() -> this.scheduler.onRevoked(revoked()))
				.withMessageContaining("ignored its interruption");
		}
		finally {
			stop.set(true);
		}
	}

	@Test
	void whileARunIgnoresItsInterruptionNoLaterTermStartsAndEveryRevocationFails() throws Exception {
		List<Long> runs = new CopyOnWriteArrayList<>();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.scheduler = scheduler((term) -> {
			runs.add(term.fencingToken());
			started.countDown();
			awaitIgnoringInterruption(release);
		});
		this.scheduler.onGranted(granted());
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		TermValidity nextTerm = TestLeaseContexts.validFor(Duration.ofHours(1));
		LeaseContext next = TestLeaseContexts.context("replica-a_1", 8, nextTerm);
		try {
			this.term.end();
			assertThatIllegalStateException().isThrownBy(() -> this.scheduler.onRevoked(revoked()))
				.withMessageContaining("fencingToken=[7]");

			this.scheduler.onGranted(new OnGrantedEvent(this, next, "test-lease"));

			throughout(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> runs.equals(List.of(7L)));
			assertThat(this.scheduler.status().workIgnoringInterruption()).containsExactly(7L);
			nextTerm.end();
			assertThatIllegalStateException()
				.isThrownBy(() -> this.scheduler.onRevoked(new OnRevokedEvent(this, next, "test-lease")))
				.withMessageContaining("fencingToken=[7]");
		}
		finally {
			release.countDown();
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.scheduler.onRevoked(new OnRevokedEvent(this, next, "test-lease")));
		assertThat(this.scheduler.status().workIgnoringInterruption()).isEmpty();
	}

	@Test
	void theStatusTellsTheLeaderHowLongAgoItsWorkLastSucceeded() {
		AtomicBoolean failing = new AtomicBoolean(true);
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> {
			runs.incrementAndGet();
			if (failing.get()) {
				throw new IllegalStateException("downstream unavailable");
			}
		});
		assertThat(this.scheduler.status().leading()).isFalse();
		assertThat(this.scheduler.status().sinceLastSuccess()).isNull();

		this.scheduler.onGranted(granted());
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
		CriticalWorkStatus failed = this.scheduler.status();
		assertThat(failed.leading()).isTrue();
		assertThat(failed.fencingToken()).isEqualTo(7);
		assertThat(failed.lastSuccess()).isNull();
		assertThat(failed.sinceLastSuccess()).isGreaterThanOrEqualTo(TASK.period().multipliedBy(2));

		Instant recovered = Instant.now();
		failing.set(false);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.status().lastSuccess() != null);
		assertThat(this.scheduler.status().lastSuccess()).isAfterOrEqualTo(recovered);

		this.term.end();
		assertThat(this.scheduler.status().leading()).isFalse();
		this.scheduler.onRevoked(revoked());
		assertThat(this.scheduler.status()).isEqualTo(new CriticalWorkStatus(false, null, null, null, List.of()));
	}

	@Test
	void aTermThatLapsesWithoutARevocationHasItsRunInterruptedAfterTheStopTimeoutAndNoRunStartsAfterwards() {
		long grantedAt = System.nanoTime();
		LeaseContext lapsing = TestLeaseContexts.context("replica-a_1", 7,
				TestLeaseContexts.validFor(Duration.ofMillis(300)));
		AtomicInteger runs = new AtomicInteger();
		AtomicLong interruptedAt = new AtomicLong();
		this.scheduler = scheduler((term) -> {
			runs.incrementAndGet();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interruptedAt.set(System.nanoTime());
				throw ex;
			}
		});

		this.scheduler.onGranted(new OnGrantedEvent(this, lapsing, "test-lease"));

		await().atMost(Duration.ofSeconds(5)).until(() -> interruptedAt.get() != 0);
		assertThat(Duration.ofNanos(interruptedAt.get() - grantedAt))
			.isGreaterThanOrEqualTo(Duration.ofMillis(300).plus(TASK.stopTimeout()));
		throughout(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> runs.get() == 1);
		this.scheduler.onRevoked(new OnRevokedEvent(this, lapsing, "test-lease"));
	}

	@Test
	void aLapsedTermsRunIsInterruptedAtTheLapsePlusTheStopTimeoutNotMerelyAfterIt() {
		// measured on the scheduler's clock from the exact deadline of the term: not later
		// than the stop timeout plus the interrupt grace, after which the run counts as
		// ignoring its interruption; the two fit the stop margin, before which no other
		// replica may take the Lease
		// (a stop timeout of half the stop margin leaves a grace of a quarter of it: 250 ms)
		CriticalTaskProperties task = new CriticalTaskProperties(TASK.period(), ELECTION.stopMargin().dividedBy(2));
		FreezableTicker ticker = new FreezableTicker();
		long lapse = ticker.nanoTime() + Duration.ofMillis(300).toNanos();
		LeaseContext lapsing = TestLeaseContexts.context("replica-a_1", 7, new TermValidity(ticker, lapse));
		AtomicLong interruptedAt = new AtomicLong();
		this.scheduler = scheduler(task, ELECTION, ticker, awaitingInterruption(new CountDownLatch(1), ticker,
				interruptedAt));

		this.scheduler.onGranted(new OnGrantedEvent(this, lapsing, "test-lease"));

		await().atMost(Duration.ofSeconds(5)).until(() -> interruptedAt.get() != 0);
		assertThat(Duration.ofNanos(interruptedAt.get() - lapse)).isGreaterThanOrEqualTo(task.stopTimeout())
			.isLessThan(task.stopTimeout().plus(interruptGrace(task, ELECTION)));
		this.scheduler.onRevoked(new OnRevokedEvent(this, lapsing, "test-lease"));
	}

	@Test
	void aRunInFlightWhenTheProcessFreezesIsInterruptedOnWakingNotAFreshStopTimeoutLater() throws Exception {
		// issue 17's timeline, with a stop timeout long enough to tell "at once" from "a
		// stop timeout later" under any load: renewed at t0, valid until t0 + 20 s; a run
		// starts; the process freezes and wakes at lapse + 12 s, past lapse + stop-timeout;
		// the elector's revocation is the first thing it does
		LeaderElectionProperties election = new LeaderElectionProperties("test-lease", "default", null,
				Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(5));
		CriticalTaskProperties task = new CriticalTaskProperties(Duration.ofSeconds(5), Duration.ofSeconds(5));
		FreezableTicker ticker = new FreezableTicker();
		TermValidity frozen = TestLeaseContexts.validFor(ticker, Duration.ofSeconds(20));
		LeaseContext context = TestLeaseContexts.context("replica-a_1", 7, frozen);
		CountDownLatch started = new CountDownLatch(1);
		AtomicLong interruptedAt = new AtomicLong();
		this.scheduler = scheduler(task, election, ticker, awaitingInterruption(started, ticker, interruptedAt));
		this.scheduler.onGranted(new OnGrantedEvent(this, context, "test-lease"));
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

		ticker.wakeAfter(Duration.ofSeconds(32));
		long wokeAt = ticker.nanoTime();
		this.scheduler.onRevoked(new OnRevokedEvent(this, context, "test-lease"));

		// interrupted at max(now, lapse + stop-timeout) = now, and it counts as having
		// stopped (the interrupt grace runs from the interruption, not from the lapse)
		assertThat(interruptedAt.get()).isNotZero();
		assertThat(Duration.ofNanos(interruptedAt.get() - wokeAt)).isLessThan(task.stopTimeout());
		assertThat(this.scheduler.status().workIgnoringInterruption()).isEmpty();
	}

	@Test
	void aFrozenLeadersDeadlineTimerInterruptsItsRunOnWakingWithoutAnyRevocation() throws Exception {
		// the same freeze, woken by the scheduler's own deadline timer (overdue on waking;
		// here it fires when its delay, 2 s, has passed in real time), the revocation lost
		LeaderElectionProperties election = new LeaderElectionProperties("test-lease", "default", null,
				Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(5));
		CriticalTaskProperties task = new CriticalTaskProperties(Duration.ofSeconds(5), Duration.ofSeconds(5));
		FreezableTicker ticker = new FreezableTicker();
		LeaseContext context = TestLeaseContexts.context("replica-a_1", 7,
				TestLeaseContexts.validFor(ticker, Duration.ofSeconds(2)));
		CountDownLatch started = new CountDownLatch(1);
		AtomicLong interruptedAt = new AtomicLong();
		this.scheduler = scheduler(task, election, ticker, awaitingInterruption(started, ticker, interruptedAt));
		this.scheduler.onGranted(new OnGrantedEvent(this, context, "test-lease"));
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

		ticker.wakeAfter(Duration.ofSeconds(30));
		long wokeAt = ticker.nanoTime();

		await().atMost(Duration.ofSeconds(10)).until(() -> interruptedAt.get() != 0);
		// at most the timer's own delay after waking, never that plus a stop timeout
		assertThat(Duration.ofNanos(interruptedAt.get() - wokeAt)).isLessThan(task.stopTimeout());
		this.scheduler.onRevoked(new OnRevokedEvent(this, context, "test-lease"));
		assertThat(this.scheduler.status().workIgnoringInterruption()).isEmpty();
	}

	@Test
	void aRenewedTermKeepsItsWorkPastTheDeadlineItHadAtTheGrant() {
		long grantedAt = System.nanoTime();
		TermValidity renewed = TestLeaseContexts.validFor(Duration.ofSeconds(1));
		LeaseContext context = TestLeaseContexts.context("replica-a_1", 7, renewed);
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> runs.incrementAndGet());

		this.scheduler.onGranted(new OnGrantedEvent(this, context, "test-lease"));
		assertThat(TestLeaseContexts.renew(renewed, Duration.ofHours(1))).isTrue();

		Duration pastFirstDeadline = Duration.ofSeconds(1).plus(TASK.stopTimeout()).plus(TASK.period());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> Duration.ofNanos(System.nanoTime() - grantedAt).compareTo(pastFirstDeadline) > 0);
		int past = runs.get();
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= past + 3);
		assertThat(runs("skipped")).isZero();
	}

	@Test
	void aRevocationProcessedBeforeTheGrantOfTheSameTermLeavesNoRunStarted() {
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> runs.incrementAndGet());
		this.term.end();

		this.scheduler.onRevoked(revoked());
		this.scheduler.onGranted(granted());

		// not even a run that finds the term ended and skips
		throughout(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(1))
			.until(() -> runs.get() == 0 && runs("skipped") == 0);
	}

	@Test
	void runsStopOnceLeadershipLapsesEvenWithoutARevocation() {
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> runs.incrementAndGet());
		this.scheduler.onGranted(granted());
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 2);

		this.term.end();

		// at most the run that had already passed its check may still count
		int lapsed = runs.get() + 1;
		throughout(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> runs.get() <= lapsed);
	}

	@Test
	void runsAfterTheTermHasEndedAreSkippedAndLoggedOnceWithoutEndingTheSchedule(CapturedOutput output) {
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> runs.incrementAndGet());
		this.scheduler.onGranted(granted());
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);

		this.term.end();

		await().atMost(Duration.ofSeconds(5)).until(() -> runs("skipped") >= 3);
		assertThat(output.getAll().split("Skipping the critical work", -1)).hasSize(2);
	}

	@Test
	void aFailingRunDoesNotEndTheSchedule() {
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> {
			runs.incrementAndGet();
			throw new IllegalStateException("downstream unavailable");
		});
		this.scheduler.onGranted(granted());

		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
	}

	@Test
	void anErrorThrownByTheWorkIsCountedAsAFailureAndDoesNotEndTheSchedule() {
		AtomicInteger runs = new AtomicInteger();
		this.scheduler = scheduler((term) -> {
			runs.incrementAndGet();
			throw new AssertionError("invariant of the downstream system broken");
		});
		this.scheduler.onGranted(granted());

		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
		assertThat(runs("failure")).isGreaterThanOrEqualTo(2);
		assertThat(runs("success")).isZero();
		assertThat(this.meters.get("critical.task.duration").timer().count()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void theStopTimeoutMustLeaveTimeBeforeAnotherReplicaMayTakeTheLease() {
		CriticalTaskProperties tooLong = new CriticalTaskProperties(Duration.ofSeconds(5), Duration.ofSeconds(1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CriticalTaskScheduler("test-lease", List.of((term) -> {
			}), tooLong.schedule("test-lease"), ELECTION, new SimpleMeterRegistry(), () -> null,
					Ticker.SYSTEM))
			.withMessageStartingWith("test-leader.task.stop-timeout (PT1S) must be shorter than "
					+ "test-leader.election.lease-duration minus renew-deadline (PT1S)");
	}

	private CriticalTaskScheduler scheduler(CriticalWork work) {
		// no elector: the scheduler knows of terms only through its events
		return new CriticalTaskScheduler("test-lease", List.of(work), TASK.schedule("test-lease"), ELECTION,
				this.meters, () -> null, Ticker.SYSTEM);
	}

	private CriticalTaskScheduler scheduler(CriticalTaskProperties task, LeaderElectionProperties election,
			Ticker ticker, CriticalWork work) {
		return new CriticalTaskScheduler("test-lease", List.of(work), task.schedule("test-lease"), election,
				this.meters, () -> null, ticker);
	}

	/** As the scheduler gives it: half of what the stop margin leaves after the stop timeout. */
	private static Duration interruptGrace(CriticalTaskProperties task, LeaderElectionProperties election) {
		return election.stopMargin().minus(task.stopTimeout()).dividedBy(2);
	}

	/** Work that waits until it is interrupted, and notes when on {@code ticker}. */
	private static CriticalWork awaitingInterruption(CountDownLatch started, Ticker ticker, AtomicLong interruptedAt) {
		return (term) -> {
			started.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interruptedAt.compareAndSet(0, ticker.nanoTime());
				throw ex;
			}
		};
	}

	private double runs(String outcome) {
		return this.meters.get("critical.task.runs").tag("outcome", outcome).counter().count();
	}

	private OnGrantedEvent granted() {
		return new OnGrantedEvent(this, this.context, "test-lease");
	}

	private OnRevokedEvent revoked() {
		return new OnRevokedEvent(this, this.context, "test-lease");
	}

	/** Work that waits for {@code release} and does not react to interruption. */
	private static void awaitIgnoringInterruption(CountDownLatch release) {
		while (true) {
			try {
				release.await();
				return;
			}
			catch (InterruptedException ex) {
				// ignored on purpose: this is the work that does not stop
			}
		}
	}

	/** Work that takes a while and does not react to interruption. */
	private static void busyFor(Duration duration) {
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() - end < 0) {
			Thread.onSpinWait();
		}
	}

}
