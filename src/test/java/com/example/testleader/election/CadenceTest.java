package com.example.testleader.election;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
	void aCallMayTakeHalfTheRenewDeadlineAndALeadersCallNeverPassesItsDeadline() {
		assertThat(this.cadence.callTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(this.cadence.callTimeout(Duration.ofSeconds(8).toNanos())).isEqualTo(Duration.ofSeconds(5));
		assertThat(this.cadence.callTimeout(Duration.ofMillis(300).toNanos())).isEqualTo(Duration.ofMillis(300));
		assertThat(this.cadence.callTimeout(-5)).isPositive();
	}

	@Test
	void aStallOrALeaveIsBoundedByTheTimings() {
		assertThat(this.cadence.stallThreshold()).isEqualTo(Duration.ofSeconds(35));
		assertThat(this.cadence.leaveTimeout()).isEqualTo(Duration.ofSeconds(19));
		assertThat(this.cadence.yieldPauseNanos()).isEqualTo(Duration.ofSeconds(15).toNanos());
	}

}
