package com.example.testleader.election.roles;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.example.testleader.election.roles.RoleBalance.Move;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a move its receiver did not accept is left out. */
class RefusedMovesTest {

	private static final long SECOND = 1_000_000_000L;

	private final RefusedMoves refused = new RefusedMoves(Duration.ofSeconds(15));

	private final Move move = new Move("reports", "replica-c");

	@Test
	void aRefusedMoveIsLeftOutForALeaseDurationThenOfferedAgain() {
		assertThat(this.refused.refused(this.move, 0)).isEqualTo(Duration.ofSeconds(15));

		assertThat(this.refused.excluded(14 * SECOND)).containsExactly(this.move);
		assertThat(this.refused.excluded(15 * SECOND)).isEmpty();
	}

	@Test
	void eachRefusalInARowDoublesThePauseUpToEightLeaseDurations() {
		long now = 0;
		Duration pause = Duration.ZERO;
		for (int i = 0; i < 6; i++) {
			pause = this.refused.refused(this.move, now);
			now += pause.toNanos();
		}
		assertThat(pause).isEqualTo(Duration.ofSeconds(15 * RefusedMoves.MOST_LEASES));
		assertThat(this.refused.excluded(now - SECOND)).containsExactly(this.move);
	}

	@Test
	void aRefusalLongPastIsForgottenAndOtherMovesAreNotLeftOut() {
		this.refused.refused(this.move, 0);
		this.refused.refused(this.move, 15 * SECOND);

		assertThat(this.refused.excluded(30 * SECOND)).containsExactly(this.move);
		assertThat(this.refused.excluded(30 * SECOND)).doesNotContain(new Move("reports", "replica-d"));
		// forgotten once as long again has passed: the next refusal starts from one lease duration
		assertThat(this.refused.excluded(120 * SECOND)).isEmpty();
		assertThat(this.refused.refused(this.move, 120 * SECOND)).isEqualTo(Duration.ofSeconds(15));
	}

}
