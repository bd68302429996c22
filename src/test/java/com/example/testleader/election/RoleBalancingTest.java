package com.example.testleader.election;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Several roles spread over several replicas, as replicas come, go, crash and stay. */
@ExtendWith(OutputCaptureExtension.class)
class RoleBalancingTest extends RoleHarness {

	@Test
	void threeReplicasWithSixRolesSettleToTwoEach() {
		start("replica-a", "replica-b", "replica-c");

		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
	}

	@Test
	void aKilledReplicasRolesMoveAfterTheLeaseToTheTwoSurvivorsThreeEach() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		List<String> itsRoles = rolesOf("replica-a");

		this.replicas.get(0).crash();

		awaitHeld(Map.of("replica-b", 3, "replica-c", 3));
		assertThat(this.timelines.leaders()).containsOnlyKeys(roles(6));
		itsRoles.forEach((role) -> assertThat(this.timelines.leaders().get(role)).isIn("replica-b", "replica-c"));
	}

	@Test
	void anAddedReplicaGetsRolesHandedOverOneAtATime(CapturedOutput output) {
		start("replica-a", "replica-b");
		awaitHeld(Map.of("replica-a", 3, "replica-b", 3));
		int before = this.leases.seen().size();

		start("replica-c");

		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		List<LeaseWatchLog.Seen> since = this.leases.seen().subList(before, this.leases.seen().size());
		assertThat(since).filteredOn((seen) -> seen.handedTo() != null)
			.extracting(LeaseWatchLog.Seen::handedTo)
			.containsExactly("replica-c", "replica-c");
		assertThat(LeaseWatchLog.mostHandoversAtOnce(since)).isEqualTo(1);
		// the receiver's acceptance is part of the handshake, not a change to warn of
		assertThat(output).doesNotContain("was changed by someone else");
	}

	@Test
	void aStoppedReplicasRolesAreHandedToTheOthersAtOnceAndStayBalanced() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		List<String> itsRoles = rolesOf("replica-a");
		int before = this.leases.seen().size();
		long stopped = System.nanoTime();

		this.replicas.get(0).stopGracefully();

		awaitHeld(Map.of("replica-b", 3, "replica-c", 3));
		for (String role : itsRoles) {
			Timeline.Entry taken = this.timelines.of(role).entries()
				.stream()
				.filter((entry) -> entry.kind() == Timeline.Kind.GRANTED && entry.nanos() > stopped)
				.findFirst()
				.orElseThrow();
			// handed over, not waited out: taken well within a lease duration of the stop
			assertThat(Duration.ofNanos(taken.nanos() - stopped)).isLessThan(LEASE);
		}
		assertThat(this.leases.seen().subList(before, this.leases.seen().size()))
			.filteredOn((seen) -> seen.handedTo() != null)
			.extracting(LeaseWatchLog.Seen::handedTo)
			.containsExactlyInAnyOrder("replica-b", "replica-c");
	}

	@Test
	void twoReplicasWithFiveRolesHoldThreeAndTwoAndStayThatWay() {
		start(5, "replica-a", "replica-b");
		awaitHeldCounts(List.of(2, 3));
		int versions = this.leases.seen().size();
		Map<String, String> holders = holders();

		// thirty retry periods: nothing moves, only renewals
		await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).until(() -> holders().equals(holders));
		assertThat(this.leases.seen().stream().skip(versions).filter((seen) -> seen.holder() == null)).isEmpty();
	}

}
