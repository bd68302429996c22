package com.example.testleader.election.roles;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.testleader.election.LeaseWatchLog;
import com.example.testleader.election.Timeline;

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

	/**
	 * On SIGTERM the leaving replica's own pod is already marked for deletion: it still
	 * knows the other pods, so its role goes to the replica holding none (new in a
	 * rollout), not to one already holding a role that would then have to move one on.
	 */
	@Test
	void aLeavingReplicaWhosePodIsDeletingHandsItsRoleToTheReplicaHoldingNone() {
		start(2, "replica-a", "replica-b");
		awaitHeld(Map.of("replica-a", 1, "replica-b", 1));
		start(2, "replica-c");
		// a pod of the application that runs no elector: its leaving shows when replica-a has seen its own pod deleted
		this.kubelet.podStarted("replica-d");
		RoleReplica leaving = replica("replica-a");
		await().atMost(SETTLED)
			.untilAsserted(() -> assertThat(leaving.electors().rolesPerReplica())
				.isEqualTo(Map.of("replica-a", 1, "replica-b", 1, "replica-c", 0, "replica-d", 0)));
		int before = this.leases.seen().size();

		this.kubelet.terminating("replica-a");
		this.kubelet.notReady("replica-d");
		// one watch delivers the pods' changes in order: once replica-d is gone from its view, so is its own pod
		await().atMost(SETTLED)
			.untilAsserted(() -> assertThat(leaving.electors().rolesPerReplica()).doesNotContainKey("replica-d"));
		leaving.stopGracefully();

		awaitHeld(Map.of("replica-b", 1, "replica-c", 1));
		assertThat(this.leases.seen().subList(before, this.leases.seen().size()))
			.filteredOn((seen) -> seen.handedTo() != null)
			.extracting(LeaseWatchLog.Seen::handedTo)
			.containsExactly("replica-c");
	}

	@Test
	void twoReplicasWithFiveRolesHoldThreeAndTwoAndStayThatWay() {
		start(5, "replica-a", "replica-b");
		awaitHeldCounts(List.of(2, 3));
		int versions = this.leases.seen().size();
		Map<String, String> holders = holders();

		// thirty retry periods: nothing moves, only renewals
		throughout(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).until(() -> holders().equals(holders));
		assertThat(this.leases.seen().stream().skip(versions).filter((seen) -> seen.holder() == null)).isEmpty();
	}

}
