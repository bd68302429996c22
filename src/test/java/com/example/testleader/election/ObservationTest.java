package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The expiry rule, on a monotonic time that the test drives. */
class ObservationTest {

	private static final Duration FALLBACK = Duration.ofSeconds(15);

	private static final long SECOND = 1_000_000_000L;

	@Test
	void aHeldLeaseMayBeTakenOnlyItsOwnDurationAfterItLastChanged() {
		Observation seen = Observation.initial().next(held("other", 10, 3, at(0)), 100 * SECOND, Instant.EPOCH, FALLBACK);
		assertThat(seen.nanosUntilAcquirable(100 * SECOND, "me")).isEqualTo(10 * SECOND);
		assertThat(seen.nanosUntilAcquirable(109 * SECOND, "me")).isEqualTo(SECOND);
		assertThat(seen.nanosUntilAcquirable(110 * SECOND, "me")).isZero();
	}

	@Test
	void theHoldersRenewTimeIsNeverComparedWithTheLocalClock() {
		// renewTime an hour in the past (holder's clock behind) or ahead: no difference
		for (ZonedDateTime renewTime : new ZonedDateTime[] { at(-3600), at(3600) }) {
			Observation seen = Observation.initial().next(held("other", 10, 3, renewTime), 0, Instant.EPOCH, FALLBACK);
			assertThat(seen.nanosUntilAcquirable(9 * SECOND, "me")).isEqualTo(SECOND);
		}
	}

	@Test
	void everyRenewalRestartsTheWait() {
		Observation first = Observation.initial().next(held("other", 10, 3, at(0)), 0, Instant.EPOCH, FALLBACK);
		Observation renewed = first.next(held("other", 10, 3, at(2)), 8 * SECOND, Instant.EPOCH, FALLBACK);
		assertThat(renewed.nanosUntilAcquirable(12 * SECOND, "me")).isEqualTo(6 * SECOND);
		Observation unchanged = renewed.next(held("other", 10, 3, at(2)), 12 * SECOND, Instant.EPOCH, FALLBACK);
		assertThat(unchanged).isSameAs(renewed);
	}

	@Test
	void aMissingLeaseDurationFallsBackToTheConfiguredOne() {
		Lease malformed = new LeaseBuilder(held("other", 10, 3, at(0)).lease()).editSpec()
			.withLeaseDurationSeconds(null)
			.endSpec()
			.build();
		LeaseRecord record = new LeaseRecord(malformed);
		assertThat(record.malformed()).isTrue();
		Observation seen = Observation.initial().next(record, 0, Instant.EPOCH, FALLBACK);
		assertThat(seen.nanosUntilAcquirable(0, "me")).isEqualTo(FALLBACK.toNanos());
	}

	@Test
	void aReleasedLeaseMayBeTakenAtOnceButAHandClearedOneIsWaitedOut() {
		LeaseRecord heldByOther = held("other", 10, 3, at(0));
		Observation seen = Observation.initial().next(heldByOther, 0, Instant.EPOCH, FALLBACK);
		LeaseRecord released = new LeaseRecord(heldByOther.releasedBy("other", at(1)));
		assertThat(seen.next(released, SECOND, Instant.EPOCH, FALLBACK).nanosUntilAcquirable(SECOND, "me")).isZero();

		Lease cleared = new LeaseBuilder(heldByOther.lease()).editSpec().withHolderIdentity("").endSpec().build();
		Observation afterEdit = seen.next(new LeaseRecord(cleared), SECOND, Instant.EPOCH, FALLBACK);
		assertThat(afterEdit.nanosUntilAcquirable(SECOND, "me")).isEqualTo(10 * SECOND);
	}

	@Test
	void aDeletionIsWaitedOutButAnAbsentLeaseIsCreatedAtOnce() {
		assertThat(Observation.initial().next(null, 0, Instant.EPOCH, FALLBACK).nanosUntilAcquirable(0, "me")).isZero();

		Observation seen = Observation.initial().next(held("other", 10, 3, at(0)), 0, Instant.EPOCH, FALLBACK);
		Observation deleted = seen.next(null, 4 * SECOND, Instant.EPOCH, FALLBACK);
		assertThat(deleted.nanosUntilAcquirable(4 * SECOND, "me")).isEqualTo(10 * SECOND);
		assertThat(deleted.nextTransitions()).isEqualTo(4);
	}

	@Test
	void aRecordNamingThisProcessMayBeWrittenAtOnce() {
		Observation seen = Observation.initial().next(held("me", 10, 3, at(0)), 0, Instant.EPOCH, FALLBACK);
		assertThat(seen.nanosUntilAcquirable(0, "me")).isZero();
	}

	@Test
	void theNextTokenExceedsEveryTransitionCountSeen() {
		Observation seen = Observation.initial()
			.next(held("other", 10, 7, at(0)), 0, Instant.EPOCH, FALLBACK)
			.next(held("other", 10, 2, at(1)), SECOND, Instant.EPOCH, FALLBACK);
		assertThat(seen.nextTransitions()).isEqualTo(8);
		assertThat(Observation.initial().nextTransitions()).isZero();
	}

	private static LeaseRecord held(String holder, int seconds, int transitions, ZonedDateTime renewTime) {
		Lease lease = LeaseRecord.created("default", "test-lease", holder, Duration.ofSeconds(seconds), renewTime,
				transitions);
		lease.getMetadata().setResourceVersion("1");
		return new LeaseRecord(lease);
	}

	private static ZonedDateTime at(long seconds) {
		return ZonedDateTime.parse("2026-01-01T00:00:00Z").plusSeconds(seconds);
	}

}
