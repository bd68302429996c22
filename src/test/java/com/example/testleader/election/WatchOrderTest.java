package com.example.testleader.election;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WatchOrderTest {

	private static final long PATIENCE = 1_000;

	private final WatchOrder order = new WatchOrder(PATIENCE);

	@Test
	void withNoReadAheadEveryWatchedVersionIsCurrent() {
		assertThat(this.order.isCurrent("7", 0)).isTrue();
		assertThat(this.order.isCurrent("8", 1)).isTrue();
	}

	@Test
	void versionsTheWatchDeliversBeforeCatchingUpWithARead() {
		this.order.readOrWrote("12", 0);
		assertThat(this.order.isCurrent("10", 1)).as("older than the read").isFalse();
		assertThat(this.order.isCurrent("11", 2)).as("older than the read").isFalse();
		assertThat(this.order.isCurrent("12", 3)).as("the read version itself").isTrue();
		assertThat(this.order.isCurrent("13", 4)).as("news").isTrue();
	}

	@Test
	void resourceVersionsAreNeverComparedForOrderSoARestoreThatSetsThemBackIsNoProblem() {
		// after an etcd restore the server's versions are far below those seen before
		assertThat(this.order.isCurrent("9000", 0)).isTrue();
		this.order.readOrWrote("41", 1);
		assertThat(this.order.isCurrent("41", 2)).isTrue();
		assertThat(this.order.isCurrent("42", 3)).isTrue();
		assertThat(this.order.isCurrent("43", 4)).isTrue();
	}

	@Test
	void aReadTheWatchHadAlreadyDeliveredHoldsNothingBack() {
		assertThat(this.order.isCurrent("5", 0)).isTrue();
		this.order.readOrWrote("5", 1);
		assertThat(this.order.isCurrent("6", 2)).isTrue();
	}

	/**
	 * A write (a release) returned 12, the watch skipped it (a relist) and delivered 13,
	 * which a read then returned too: the watch has caught up with what was read, so its
	 * next version is news at once, not after the patience.
	 */
	@Test
	void aReadOfTheVersionTheWatchDeliveredLastEndsTheWaitForAnEarlierOne() {
		this.order.readOrWrote("12", 0);
		assertThat(this.order.isCurrent("13", 1)).as("delivered before the watch showed the write").isFalse();
		this.order.readOrWrote("13", 2);
		assertThat(this.order.isCurrent("14", 3)).isTrue();
	}

	@Test
	void aWatchThatSkipsTheReadVersionIsBelievedAgainAfterThePatience() {
		this.order.readOrWrote("12", 0);
		assertThat(this.order.isCurrent("14", PATIENCE - 1)).isFalse();
		assertThat(this.order.isCurrent("15", PATIENCE)).isTrue();
		assertThat(this.order.isCurrent("16", PATIENCE + 1)).isTrue();
	}

}
