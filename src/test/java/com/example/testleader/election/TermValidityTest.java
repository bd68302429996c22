package com.example.testleader.election;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TermValidityTest {

	private long now;

	private final TermValidity term = new TermValidity(() -> this.now, 10);

	@Test
	void aTermIsValidUntilItsDeadlineAndARenewalMovesIt() {
		this.now = 9;
		assertThat(this.term.isValid()).isTrue();
		assertThat(this.term.remainingNanos()).isEqualTo(1);
		assertThat(this.term.extend(20)).isTrue();
		this.now = 19;
		assertThat(this.term.isValid()).isTrue();
	}

	@Test
	void aRenewalAnsweredAfterTheDeadlineCannotReviveTheTerm() {
		// sent at 9, before the deadline; answered at 11, after it
		this.now = 11;
		assertThat(this.term.extend(9 + 10)).isFalse();
		assertThat(this.term.isValid()).isFalse();
	}

	@Test
	void onceSeenLapsedATermStaysLapsed() {
		this.now = 10;
		assertThat(this.term.isValid()).isFalse();
		// a renewal decided before the lapse but applied after it (or a clock read that
		// went the other way) must not bring it back
		this.now = 9;
		assertThat(this.term.extend(30)).isFalse();
		assertThat(this.term.isValid()).isFalse();
		assertThat(this.term.remainingNanos()).isZero();
	}

	@Test
	void anEndedTermIsOverAtOnce() {
		this.term.end();
		assertThat(this.term.isValid()).isFalse();
		assertThat(this.term.extend(100)).isFalse();
	}

	@Test
	void aValidTermHasNotLapsed() {
		this.now = 9;
		assertThat(this.term.lapsedAtNanos()).isEmpty();
	}

	@Test
	void aTermLapsesAtItsDeadlineNotWhenTheLapseIsNoticed() {
		// nobody looked between 10 and 25: a process frozen meanwhile
		this.now = 25;
		assertThat(this.term.isValid()).isFalse();
		assertThat(this.term.lapsedAtNanos()).hasValue(10);
		this.now = 30;
		this.term.end();
		assertThat(this.term.lapsedAtNanos()).hasValue(10);
	}

	@Test
	void aTermEndedAfterItsDeadlinePassedUnnoticedLapsedAtTheDeadline() {
		this.now = 25;
		this.term.end();
		assertThat(this.term.lapsedAtNanos()).hasValue(10);
	}

	@Test
	void aRenewalAnsweredAfterTheDeadlineLeavesTheLapseAtTheDeadline() {
		this.now = 11;
		assertThat(this.term.extend(9 + 10)).isFalse();
		assertThat(this.term.lapsedAtNanos()).hasValue(10);
	}

	@Test
	void aTermEndedBeforeItsDeadlineLapsedWhenItWasEnded() {
		this.now = 4;
		this.term.end();
		this.now = 7;
		assertThat(this.term.lapsedAtNanos()).hasValue(4);
	}

}
