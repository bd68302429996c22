package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the work is handed: its term, which it can check before each side effect. */
class LeaderTermTest {

	private long now;

	private final TermValidity validity = new TermValidity(() -> this.now, 10);

	private final LeaderTerm term = new LeaderTerm("replica-a_1", "test-lease", 3, Instant.EPOCH, this.validity);

	@Test
	void theTermIsValidForWhatRemainsUntilItsDeadline() {
		this.now = 4;
		assertThat(this.term.isValid()).isTrue();
		assertThat(this.term.remaining()).isEqualTo(Duration.ofNanos(6));
		assertThat(this.validity.extend(30)).isTrue();
		this.now = 12;
		assertThat(this.term.isValid()).isTrue();
		assertThat(this.term.remaining()).isEqualTo(Duration.ofNanos(18));
	}

	@Test
	void onceLapsedTheTermIsNeverValidAgainForTheWork() {
		this.now = 10;
		assertThat(this.term.isValid()).isFalse();
		assertThat(this.term.remaining()).isZero();
		this.now = 9;
		assertThat(this.validity.extend(30)).isFalse();
		assertThat(this.term.isValid()).isFalse();
	}

	@Test
	void anEndedTermIsOverForTheWorkAtOnce() {
		this.now = 1;
		this.validity.end();
		assertThat(this.term.isValid()).isFalse();
		assertThat(this.term.remaining()).isZero();
	}

	@Test
	void aTermIsItsHolderRoleTokenAndAcquisitionWhateverItsValidity() {
		LeaderTerm same = new LeaderTerm("replica-a_1", "test-lease", 3, Instant.EPOCH, new TermValidity(() -> 0, 0));
		assertThat(same).isEqualTo(this.term).hasSameHashCodeAs(this.term);
		assertThat(new LeaderTerm("replica-a_1", "test-lease", 4, Instant.EPOCH, this.validity))
			.isNotEqualTo(this.term);
		assertThat(this.term).hasToString(
				"LeaderTerm[identity=replica-a_1, role=test-lease, fencingToken=3, acquiredAt=1970-01-01T00:00:00Z]");
	}

}
