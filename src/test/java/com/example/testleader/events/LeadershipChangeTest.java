package com.example.testleader.events;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;

import static org.assertj.core.api.Assertions.assertThat;

class LeadershipChangeTest {

	private static final Instant NOW = Instant.parse("2026-11-25T02:18:45.608Z");

	private static final LeaderTerm TERM = new LeaderTerm("pod-a_5f1c2a9e", "test-lease", 4, NOW);

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
		assertThat(LeadershipChange.stopped(TERM, reason, NOW).message())
			.startsWith("pod-a_5f1c2a9e stopped leading (fencing token 4): " + label + ", ")
			.hasSizeGreaterThan(("pod-a_5f1c2a9e stopped leading (fencing token 4): " + label + ", ").length());
	}

	@Test
	void aMessageIsNeverLongerThanAnEventsNote() {
		String message = LeadershipChange.became(TERM, Optional.of("x".repeat(2000)), NOW).message();

		assertThat(message).hasSize(LeadershipChange.MESSAGE_LIMIT).endsWith("...");
	}

}
