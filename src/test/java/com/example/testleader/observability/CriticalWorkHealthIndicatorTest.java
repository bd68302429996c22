package com.example.testleader.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.example.testleader.task.CriticalTaskProperties;
import com.example.testleader.task.CriticalWorkStatus;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The criticalWork health component, on fixed statuses of the scheduler. */
class CriticalWorkHealthIndicatorTest {

	private static final CriticalTaskProperties TASK = new CriticalTaskProperties(Duration.ofSeconds(5),
			Duration.ofSeconds(3));

	private static final Instant LAST_SUCCESS = Instant.parse("2026-01-01T12:00:00Z");

	@Test
	void aFollowerIsUpAndSaysItDoesNotLead() {
		Health health = health(new CriticalWorkStatus(false, null, null, null, List.of()));

		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsExactly(entry("leading", false));
	}

	@Test
	void aLeaderWhoseWorkSucceededWithinThreePeriodsIsUp() {
		Health health = health(new CriticalWorkStatus(true, 7L, LAST_SUCCESS, Duration.ofSeconds(15), List.of()));

		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("leading", true)
			.containsEntry("fencingToken", 7L)
			.containsEntry("lastSuccess", LAST_SUCCESS)
			.containsEntry("sinceLastSuccess", "PT15S")
			.doesNotContainKey("overdue");
	}

	@Test
	void aLeaderWhoseWorkHasNotSucceededForMoreThanThreePeriodsIsDownAndOverdue() {
		Health health = health(
				new CriticalWorkStatus(true, 7L, LAST_SUCCESS, Duration.ofSeconds(15).plusMillis(1), List.of()));

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("overdue", true).containsEntry("lastSuccess", LAST_SUCCESS);
	}

	@Test
	void aLeaderThatHasNotSucceededSinceItsGrantIsOverdueThreePeriodsAfterTheGrant() {
		Health health = health(new CriticalWorkStatus(true, 7L, null, Duration.ofSeconds(16), List.of()));

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("overdue", true)
			.containsEntry("sinceLastSuccess", "PT16S")
			.doesNotContainKey("lastSuccess");
	}

	private static Health health(CriticalWorkStatus status) {
		return new CriticalWorkHealthIndicator(Monitors.of(status, TASK.period())).health();
	}

}
