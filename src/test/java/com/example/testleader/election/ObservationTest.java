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

	private static final Duration CONFIGURED = Duration.ofSeconds(10);

	private static final Duration GRACE = Duration.ofSeconds(2);

	private static final long SECOND = 1_000_000_000L;

	@Test
	void aHeldLeaseMayBeTakenOnlyItsOwnDurationAfterItLastChanged() {
		Observation seen = Observation.initial().next(held("other", 10, 3, at(0)), 100 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(seen.nanosUntilAcquirable(100 * SECOND, null)).isEqualTo(10 * SECOND);
		assertThat(seen.nanosUntilAcquirable(109 * SECOND, null)).isEqualTo(SECOND);
		assertThat(seen.nanosUntilAcquirable(110 * SECOND, null)).isZero();
	}

	@Test
	void theHoldersRenewTimeIsNeverComparedWithTheLocalClock() {
		// renewTime an hour in the past (holder's clock behind) or ahead: no difference
		for (ZonedDateTime renewTime : new ZonedDateTime[] { at(-3600), at(3600) }) {
			Observation seen = Observation.initial().next(held("other", 10, 3, renewTime), 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
			assertThat(seen.nanosUntilAcquirable(9 * SECOND, null)).isEqualTo(SECOND);
		}
	}

	@Test
	void everyRenewalRestartsTheWait() {
		Observation first = Observation.initial().next(held("other", 10, 3, at(0)), 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		Observation renewed = first.next(held("other", 10, 3, at(2)), 8 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(renewed.nanosUntilAcquirable(12 * SECOND, null)).isEqualTo(6 * SECOND);
		Observation unchanged = renewed.next(held("other", 10, 3, at(2)), 12 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
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
		Observation seen = Observation.initial().next(record, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(seen.nanosUntilAcquirable(0, null)).isEqualTo(CONFIGURED.toNanos());
	}

	@Test
	void aReleasedLeaseMayBeTakenAtOnceButAHandClearedOneIsWaitedOut() {
		LeaseRecord heldByOther = held("other", 10, 3, at(0));
		Observation seen = Observation.initial().next(heldByOther, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		LeaseRecord released = new LeaseRecord(heldByOther.releasedBy("other", at(1)));
		assertThat(seen.next(released, SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE).nanosUntilAcquirable(SECOND, null)).isZero();

		Lease cleared = new LeaseBuilder(heldByOther.lease()).editSpec().withHolderIdentity("").endSpec().build();
		Observation afterEdit = seen.next(new LeaseRecord(cleared), SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(afterEdit.nanosUntilAcquirable(SECOND, null)).isEqualTo(10 * SECOND);
	}

	@Test
	void aReleaseHandedToThisReplicaIsTakenAtOnceAndByOthersOnlyAfterTheGrace() {
		LeaseRecord heldByOther = held("other_1", 10, 3, at(0));
		LeaseRecord handed = new LeaseRecord(heldByOther.releasedBy("other_1", at(1), "me"));
		assertThat(handed.handedTo()).contains("me");

		Observation seen = Observation.initial().next(heldByOther, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(seen.next(handed, SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE).nanosUntilAcquirable(SECOND, null))
			.isZero();
		Observation elsewhere = seen.next(handed, SECOND, Instant.EPOCH, CONFIGURED, "third", GRACE);
		assertThat(elsewhere.nanosUntilAcquirable(SECOND, null)).isEqualTo(GRACE.toNanos());
		assertThat(elsewhere.nanosUntilAcquirable(SECOND + GRACE.toNanos(), null)).isZero();
	}

	@Test
	void aHandedReleaseDiffersFromAPlainOneAndTakingItClearsTheMark() {
		LeaseRecord heldByOther = held("other_1", 10, 3, at(0));
		LeaseRecord plain = new LeaseRecord(heldByOther.releasedBy("other_1", at(1)));
		LeaseRecord handed = new LeaseRecord(heldByOther.releasedBy("other_1", at(1), "me"));
		assertThat(handed.sameStateAs(plain)).isFalse();
		assertThat(plain.handedTo()).isEmpty();

		LeaseRecord taken = new LeaseRecord(handed.acquiredBy("me_2", CONFIGURED, at(2), 4));
		assertThat(taken.handedTo()).isEmpty();
		assertThat(taken.lease().getMetadata().getAnnotations()).doesNotContainKey(LeaseRecord.HANDED_TO);
		LeaseRecord releasedAgain = new LeaseRecord(taken.releasedBy("me_2", at(3)));
		assertThat(releasedAgain.handedTo()).isEmpty();
	}

	@Test
	void onlyTheAcceptanceOfThisReplicasOwnOfferIsTheHandshake() {
		LeaseRecord offered = new LeaseRecord(Handshake.offered(held("me_1", 10, 3, at(0)).lease(), "other"));
		LeaseRecord accepted = new LeaseRecord(Handshake.accepted(offered, "other"));
		assertThat(Handshake.onlyAccepts(accepted, offered)).isTrue();

		LeaseRecord byAnother = new LeaseRecord(Handshake.accepted(offered, "third"));
		assertThat(Handshake.onlyAccepts(byAnother, offered)).as("accepted by another").isFalse();
		LeaseRecord notOffered = held("me_1", 10, 3, at(0));
		LeaseRecord unasked = new LeaseRecord(Handshake.accepted(notOffered, "other"));
		assertThat(Handshake.onlyAccepts(unasked, notOffered)).as("never offered").isFalse();
		assertThat(Handshake.onlyAccepts(accepted, accepted)).as("accepted before: mine already carries it").isFalse();
		LeaseRecord alsoEdited = new LeaseRecord(new LeaseBuilder(
				accepted.lease()).editSpec().withLeaseDurationSeconds(60).endSpec().build());
		assertThat(Handshake.onlyAccepts(alsoEdited, offered)).as("accepted and edited").isFalse();
		LeaseRecord labelled = new LeaseRecord(new LeaseBuilder(
				accepted.lease()).editMetadata().addToLabels("team", "a").endMetadata().build());
		assertThat(Handshake.onlyAccepts(labelled, offered)).as("accepted and labelled").isFalse();
	}

	@Test
	void aDeletionIsWaitedOutButAnAbsentLeaseIsCreatedAtOnce() {
		assertThat(Observation.initial().next(null, 0, Instant.EPOCH, CONFIGURED, "me", GRACE).nanosUntilAcquirable(0, null)).isZero();

		Observation seen = Observation.initial().next(held("other", 10, 3, at(0)), 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		Observation deleted = seen.next(null, 4 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(deleted.nanosUntilAcquirable(4 * SECOND, null)).isEqualTo(10 * SECOND);
		assertThat(deleted.nextToken()).isEqualTo(4);
	}

	@Test
	void aRecordThisProcessWroteItselfMayBeWrittenAgainAtOnce() {
		LeaseRecord mine = held("me", 10, 3, at(0));
		Observation seen = Observation.initial().next(mine, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(seen.nanosUntilAcquirable(0, mine)).isZero();
	}

	@Test
	void thisProcesssOwnRecordComingBackAfterANewerTermWasSeenIsWaitedOut() {
		// L wrote token 3 and was cut off; C took over (token 4) and L saw it; a backup of
		// L's last write is restored: L's own record, but no longer the newest term
		LeaseRecord mine = held("me", 10, 3, at(0));
		Observation restored = Observation.initial()
			.next(mine, 0, Instant.EPOCH, CONFIGURED, "me", GRACE)
			.next(held("other", 10, 4, at(12)), 12 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE)
			.next(mine, 20 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(restored.nanosUntilAcquirable(20 * SECOND, mine)).isEqualTo(10 * SECOND);
		assertThat(restored.nextToken()).isEqualTo(5);
	}

	@Test
	void aChangeOfMetadataOnlyKeepsTheWaitButTheRecordIsTheNewerVersion() {
		// the receiver's acceptance, kubectl label or annotate: not a renewal, but the
		// version that a take must be written over
		LeaseRecord renewed = held("other", 10, 3, at(0));
		Lease labelled = new LeaseBuilder(renewed.lease()).editMetadata()
			.addToLabels("team", "a")
			.withResourceVersion("2")
			.endMetadata()
			.build();
		Observation seen = Observation.initial().next(renewed, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		Observation after = seen.next(new LeaseRecord(labelled), 4 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(after.record().resourceVersion()).isEqualTo("2");
		assertThat(after.nanosUntilAcquirable(4 * SECOND, null)).isEqualTo(6 * SECOND);
		assertThat(after.sameHoldingAs(seen)).isTrue();
		assertThat(after.next(new LeaseRecord(labelled), 5 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE))
			.isSameAs(after);
	}

	@Test
	void aChangeOfTheHoldersPodAloneRestartsTheWait() {
		// early takeover reads its proof from that annotation: a hand that rewrites it (kubectl
		// annotate) is a change of state, waited out, not a label kept under the old wait
		LeaseRecord renewed = held("other", 10, 3, at(0));
		Lease annotated = new LeaseBuilder(renewed.lease()).editMetadata()
			.addToAnnotations(LeaseRecord.HOLDER_PROCESS, "other pod-uid test-leader 2026-01-01T00:00:00Z")
			.withResourceVersion("2")
			.endMetadata()
			.build();
		Observation seen = Observation.initial().next(renewed, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		Observation after = seen.next(new LeaseRecord(annotated), 4 * SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(after.nanosUntilAcquirable(4 * SECOND, null)).isEqualTo(10 * SECOND);
	}

	@Test
	void aRecordNamingThisProcessThatItDidNotWriteIsWaitedOut() {
		// an operator copied this replica's identity into the Lease: not this process's write
		LeaseRecord mine = held("me", 10, 3, at(0));
		LeaseRecord copied = held("me", 10, 4, at(1));
		Observation seen = Observation.initial().next(copied, 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(seen.nanosUntilAcquirable(0, mine)).isEqualTo(10 * SECOND);
		assertThat(seen.nanosUntilAcquirable(0, null)).isEqualTo(10 * SECOND);
	}

	@Test
	void aRecordClaimingAShorterDurationIsWaitedOutForTheConfiguredOne() {
		Observation shortClaim = Observation.initial().next(held("other", 1, 3, at(0)), 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(shortClaim.nanosUntilAcquirable(0, null)).isEqualTo(CONFIGURED.toNanos());
		Observation longClaim = Observation.initial().next(held("other", 40, 3, at(0)), 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(longClaim.nanosUntilAcquirable(0, null)).isEqualTo(40 * SECOND);
		Observation deleted = shortClaim.next(null, SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(deleted.nanosUntilAcquirable(SECOND, null)).isEqualTo(CONFIGURED.toNanos());
	}

	@Test
	void pastTheCeilingOfLeaseTransitionsTheTokenKeepsRisingInANewEpoch() {
		Observation atCeiling = Observation.initial()
			.next(held("other", 10, Integer.MAX_VALUE, at(0)), 0, Instant.EPOCH, CONFIGURED, "me", GRACE);
		long next = atCeiling.nextToken();
		assertThat(next).isEqualTo(Integer.MAX_VALUE + 1L);

		LeaseRecord taken = new LeaseRecord(atCeiling.record().acquiredBy("me", CONFIGURED, at(20), next));
		assertThat(taken.lease().getSpec().getLeaseTransitions()).isZero();
		assertThat(taken.lease().getMetadata().getAnnotations()).containsEntry(LeaseRecord.FENCING_EPOCH, "1");
		assertThat(taken.fencingToken()).isEqualTo(next);
		assertThat(taken.heldBy("me", next)).isTrue();
		LeaseRecord renewed = new LeaseRecord(taken.renewedAt(CONFIGURED, at(22)));
		assertThat(renewed.fencingToken()).isEqualTo(next);
		assertThat(new LeaseRecord(renewed.releasedBy("me", at(23))).fencingToken()).isEqualTo(next);
		assertThat(atCeiling.next(taken, SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE).nextToken()).isEqualTo(next + 1);
	}

	@Test
	void theNextTokenExceedsEveryTransitionCountSeen() {
		Observation seen = Observation.initial()
			.next(held("other", 10, 7, at(0)), 0, Instant.EPOCH, CONFIGURED, "me", GRACE)
			.next(held("other", 10, 2, at(1)), SECOND, Instant.EPOCH, CONFIGURED, "me", GRACE);
		assertThat(seen.nextToken()).isEqualTo(8);
		assertThat(Observation.initial().nextToken()).isZero();
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
