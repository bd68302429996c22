package com.example.testleader.observability;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.TestElectors;
import com.example.testleader.election.Ticker;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.task.CriticalWorkStatus;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The leader health component against an elector whose clock the test drives. */
class LeaderHealthIndicatorTest {

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final AtomicLong skip = new AtomicLong();

	private final AtomicReference<Runnable> onClockRead = new AtomicReference<>(() -> {
	});

	private final Ticker ticker = () -> {
		this.onClockRead.get().run();
		return System.nanoTime() + this.skip.get();
	};

	private final AtomicBoolean stuck = new AtomicBoolean();

	private final CountDownLatch unstick = new CountDownLatch(1);

	private final CountDownLatch isStuck = new CountDownLatch(1);

	private final LeaseElector elector = TestElectors.elector(this.api.clientConfig(), "replica-a", this.ticker,
			new ElectionObserver() {

				@Override
				public void renewal(LeaderTerm term, RenewalOutcome outcome) {
					if (LeaderHealthIndicatorTest.this.stuck.get()) {
						LeaderHealthIndicatorTest.this.isStuck.countDown();
						try {
							LeaderHealthIndicatorTest.this.unstick.await();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
					}
				}

			});

	@AfterEach
	void close() {
		this.unstick.countDown();
		this.onClockRead.set(() -> {
		});
		this.elector.stop();
		this.elector.close();
		this.api.close();
	}

	@Test
	void aStuckLoopIsDownWithHowLongItHasBeenStuck() throws Exception {
		Health health = healthOnceStuckForAnHour();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(Duration.parse((String) health.getDetails().get("stalledFor"))).isGreaterThan(Duration.ofHours(1));
		assertThat(health.getDetails()).containsEntry("competing", true);
	}

	/**
	 * The election stops (the stuck loop is shut down) in the middle of a health check:
	 * the check reads one snapshot, so it cannot find the loop stalled and then ask how
	 * long for, and throw. The stop is placed at each clock reading the check makes.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 1, 2 })
	void anElectionStoppingDuringAHealthCheckGivesOneConsistentAnswer(int stopAtReading) throws Exception {
		LeaderHealthIndicator indicator = stuckForAnHour();
		Thread checking = Thread.currentThread();
		AtomicInteger reads = new AtomicInteger();
		this.onClockRead.set(() -> {
			if (Thread.currentThread() == checking && reads.incrementAndGet() == stopAtReading) {
				this.onClockRead.set(() -> {
				});
				this.elector.stop();
			}
		});

		Health health = indicator.health();

		assertThat(health.getStatus()).isIn(Status.UP, Status.DOWN);
		assertThat(health.getStatus() == Status.DOWN).isEqualTo(health.getDetails().containsKey("stalledFor"));
		assertThat(this.elector.isRunning()).isFalse();
	}

	private Health healthOnceStuckForAnHour() throws Exception {
		return stuckForAnHour().health();
	}

	private LeaderHealthIndicator stuckForAnHour() throws Exception {
		this.elector.start();
		this.elector.join();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.elector.leadership().leader());
		this.stuck.set(true);
		assertThat(this.isStuck.await(10, TimeUnit.SECONDS)).isTrue();
		this.skip.set(Duration.ofHours(1).toNanos());
		return new LeaderHealthIndicator(TestElectors.electors(this.elector),
				Monitors.of(new CriticalWorkStatus(false, null, null, null, java.util.List.of())));
	}

}
