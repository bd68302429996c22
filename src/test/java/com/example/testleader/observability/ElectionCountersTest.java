package com.example.testleader.observability;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.TestLeaseContexts;
import com.example.testleader.election.roles.ElectedRoles;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;

class ElectionCountersTest {

	private static final LeaderTerm TERM = new LeaderTerm("pod-a_5f1c2a9e", "test-lease", 4, Instant.EPOCH,
			TestLeaseContexts.validFor(Duration.ZERO));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ElectionCounters counters = new ElectionCounters(this.registry,
			new StaticListableBeanFactory().getBeanProvider(ElectedRoles.class),
			new LeaderElectionProperties("test-lease", "default", null, Duration.ofSeconds(15), Duration.ofSeconds(10),
					Duration.ofSeconds(2)));

	@Test
	void everyMoveReasonIsCountedFromZero() {
		assertThat(this.registry.find("leader.election.moves").counters())
			.extracting((counter) -> counter.getId().getTag("reason"))
			.containsExactlyInAnyOrder("stop", "rollout", "request", "balance");
		assertThat(this.registry.find("leader.election.moves").counters())
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
	}

	@Test
	void aGracefulStepDownThatReleasedTheLeaseIsAMoveByItsReason() {
		this.counters.ended(TERM, StepDownReason.RELEASED, true, null);
		this.counters.ended(TERM, StepDownReason.YIELDED, true, null);
		this.counters.ended(TERM, StepDownReason.TRANSFERRED, true, "pod-c");
		this.counters.ended(TERM, StepDownReason.HANDED_OVER, true, "pod-b");

		assertThat(moves("stop")).isEqualTo(1);
		assertThat(moves("request")).isEqualTo(2);
		assertThat(moves("balance")).isEqualTo(1);
	}

	@Test
	void aStepDownThatReleasedNothingOrLapsedIsNoMove() {
		this.counters.ended(TERM, StepDownReason.RELEASED, false, null);
		this.counters.ended(TERM, StepDownReason.HANDED_OVER, false, null);
		this.counters.ended(TERM, StepDownReason.RENEW_DEADLINE, true, null);
		this.counters.ended(TERM, StepDownReason.DELETED, true, null);

		assertThat(this.registry.find("leader.election.moves").counters())
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
	}

	private double moves(String reason) {
		return this.registry.get("leader.election.moves").tags("name", "test-lease", "reason", reason).counter().count();
	}

}
