package com.example.testleader.task;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.TermValidity;
import com.example.testleader.election.TestLeaseContexts;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo work checks its term right before its side effect (its log line). */
@ExtendWith(OutputCaptureExtension.class)
class StillLeadingWorkTest {

	private final StillLeadingWork work = new StillLeadingWork(
			new CriticalTaskProperties(Duration.ofSeconds(5), Duration.ofSeconds(3)));

	@Test
	void saysItStillLeadsOnlyWhileItsTermIsValid(CapturedOutput output) {
		TermValidity validity = TestLeaseContexts.validFor(Duration.ofHours(1));
		LeaderTerm term = TestLeaseContexts.context("replica-a_1", 7, validity).term();

		this.work.run(term);
		assertThat(output).contains("still leading: identity=replica-a_1 fencingToken=7 role=test-lease");

		// the term lapses between the scheduler's check and the side effect
		validity.end();
		this.work.run(term);
		assertThat(output.getAll().split("still leading:", -1)).hasSize(2);
		assertThat(output).contains("Not saying so: the term (fencingToken=7) has ended");
	}

}
