package com.example.testleader.election;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CadenceTest {

	private final Cadence cadence = new Cadence(new LeaderElectionProperties("test-lease", null, null,
			Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));

	@RepeatedTest(20)
	void followersRetryEveryRetryPeriodTimesOneToTwoPointTwo() {
		assertThat(this.cadence.jitteredRetryNanos()).isBetween(Duration.ofSeconds(2).toNanos(),
				Duration.ofMillis(4400).toNanos());
	}

	@Test
	void backoffGoesFromTheRetryPeriodToTwiceIt() {
		assertThat(this.cadence.backoffNanos(1)).isEqualTo(Duration.ofSeconds(2).toNanos());
		assertThat(this.cadence.backoffNanos(2)).isEqualTo(Duration.ofSeconds(4).toNanos());
		assertThat(this.cadence.backoffNanos(100)).isEqualTo(Duration.ofSeconds(4).toNanos());
	}

	@Test
	void aCallMayTakeHalfTheRenewDeadlineAndNoCallOfAnAttemptPassesItsDeadline() {
		assertThat(this.cadence.callTimeout()).isEqualTo(Duration.ofSeconds(5));
		long[] now = { 0 };
		Ticker ticker = () -> now[0];
		Deadline renewal = this.cadence.renewal(ticker, Duration.ofSeconds(8).toNanos());
		assertThat(renewal.nextCall()).isEqualTo(Duration.ofSeconds(5));
		now[0] = Duration.ofMillis(7700).toNanos();
		assertThat(renewal.nextCall()).isEqualTo(Duration.ofMillis(300));
		now[0] = Duration.ofSeconds(8).toNanos();
		assertThat(renewal.passed()).isTrue();
		assertThatExceptionOfType(LeaseApi.LeaseApiTimeoutException.class).isThrownBy(renewal::nextCall);
		assertThat(this.cadence.attempt(ticker).atNanos()).isEqualTo(now[0] + Duration.ofSeconds(10).toNanos());
		assertThat(this.cadence.release(ticker).atNanos()).isEqualTo(now[0] + Duration.ofSeconds(4).toNanos());
	}

	@Test
	void aStallOrALeaveIsBoundedByTheTimings() {
		// a step: an attempt (10 s), the work stopping (5 s), a release (4 s)
		assertThat(this.cadence.longestStep()).isEqualTo(Duration.ofSeconds(19));
		assertThat(this.cadence.stallThreshold()).isEqualTo(Duration.ofSeconds(34));
		// the step in flight, then the leave's own revocation and release
		assertThat(this.cadence.leaveTimeout()).isEqualTo(Duration.ofSeconds(28));
		assertThat(this.cadence.yieldPauseNanos()).isEqualTo(Duration.ofSeconds(15).toNanos());
	}

}
