package com.example.testleader.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.TestLeaseContexts;

import static org.assertj.core.api.Assertions.assertThat;

class LeadershipChangeTest {

	private static final Instant NOW = Instant.parse("2026-11-25T02:18:45.608Z");

	private static final LeaderTerm TERM = new LeaderTerm("pod-a_5f1c2a9e", "test-lease", 4, NOW,
			TestLeaseContexts.validFor(Duration.ZERO));

	@Test
	void aTermBeganWithClientGosWordsAndTheFencingToken() {
		assertThat(LeadershipChange.became(TERM, Optional.empty(), NOW).message())
			.isEqualTo("pod-a_5f1c2a9e became leader (fencing token 4)");
	}

	@Test
	void anEarlyTakeoverCarriesItsProof() {
		assertThat(LeadershipChange.became(TERM, Optional.of("container test-leader terminated"), NOW).message())
			.isEqualTo("pod-a_5f1c2a9e became leader (fencing token 4), taking over before the Lease expired: "
					+ "container test-leader terminated");
	}

	@ParameterizedTest
	@EnumSource(StepDownReason.class)
	void everyEndOfATermNamesItsCauseAsTheLossesMetricDoes(StepDownReason reason) {
		String label = reason.name().toLowerCase(Locale.ROOT);
		assertThat(LeadershipChange.stopped(TERM, reason, false, null, NOW).message())
			.startsWith("pod-a_5f1c2a9e stopped leading (fencing token 4): " + label + ", ")
			.hasSizeGreaterThan(("pod-a_5f1c2a9e stopped leading (fencing token 4): " + label + ", ").length());
	}

	@Test
	void aGracefulStepDownSaysWhetherTheLeaseWasReleasedAndToWhom() {
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.HANDED_OVER, true, "pod-b", NOW).message())
			.endsWith("to balance them; the Lease was released, handed to pod-b");
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.RELEASED, true, null, NOW).message())
			.endsWith("no longer ready); the Lease was released");
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.TRANSFERRED, true, "pod-c", NOW).message())
			.endsWith("it handed leadership to the replica named in a request; the Lease was released, handed to "
					+ "pod-c");
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.YIELDED, false, null, NOW).message())
			.endsWith("on request; this replica did not release the Lease (the work did not stop in time, the release "
					+ "failed, or the Lease was no longer its own)");
	}

	@Test
	void aDeletedLeaseCreatedAgainIsSaidSoAndOtherCausesSayNothingOfTheLease() {
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.DELETED, true, null, NOW).message())
			.endsWith("the Lease was deleted; created again, released");
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.DELETED, false, null, NOW).message())
			.endsWith("the Lease was deleted");
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.RENEW_DEADLINE, false, null, NOW).message())
			.endsWith("until the renew deadline");
	}

	@Test
	void aTermThatLapsedAndWasReleasedOnceItsWorkStoppedSaysSo() {
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.RENEW_DEADLINE, true, null, NOW).message())
			.endsWith("until the renew deadline; the Lease was released once the work had stopped");
		assertThat(LeadershipChange.stopped(TERM, StepDownReason.EXPIRED, true, null, NOW).message())
			.endsWith("(a long pause); the Lease was released once the work had stopped");
	}

	@Test
	void aMessageIsNeverLongerThanAnEventsNote() {
		String message = LeadershipChange.became(TERM, Optional.of("x".repeat(2000)), NOW).message();

		assertThat(message).hasSize(LeadershipChange.MESSAGE_LIMIT).endsWith("...");
	}

}
