package com.example.testleader.election.roles;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.testleader.election.StepDownReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Deployment's rolling update, as the ReplicaSet controller runs it: pods of a new
 * revision ({@code pod-template-hash}) start, then the old ones are deleted gracefully.
 * A replica that leaves hands its roles to the newest revision, so that they move onto the
 * new pods once, not onto an old pod that is replaced next.
 */
class RolloutTest extends RoleHarness {

	@Test
	void aLeavingReplicaHandsItsRolesToTheNewRevisionNotToAnOldPod() {
		startOfRevision(6, "v1", "old-a", "old-b");
		awaitHeldCounts(List.of(3, 3));
		nextSecond();
		startOfRevision(6, "v2", "new-c");
		awaitHeld(Map.of("old-a", 2, "old-b", 2, "new-c", 2));
		RoleReplica leaving = replica("old-a");
		awaitSeenBy(leaving, Map.of("old-a", 2, "old-b", 2, "new-c", 2));

		this.kubelet.terminating("old-a");
		leaving.stopGracefully();

		// and it stays so: balancing never moves a role onto an older revision than its holder's
		awaitHeld(Map.of("old-b", 2, "new-c", 4));
		assertThat(heldPerReplica()).isEqualTo(Map.of("old-b", 2, "new-c", 4));
		// each step-down says it was a rollout (its log line, Event and leader_election_moves_total)
		assertThat(this.timelines.stepDowns("old-a", StepDownReason.ROLLED_OUT)).isEqualTo(2);
		assertThat(this.timelines.stepDowns("old-a", StepDownReason.RELEASED)).isZero();
	}

	@Test
	void aSingleRoleGoesToTheNewRevisionWhenItsLeadersPodIsReplacedFirst() {
		startOfRevision(1, "v1", "old-a", "old-b", "old-d");
		await().atMost(SETTLED).until(() -> holders().get("role-1") != null);
		nextSecond();
		startOfRevision(1, "v2", "new-c");
		RoleReplica leader = replica(holders().get("role-1"));
		Map<String, Integer> held = new HashMap<>(Map.of("old-a", 0, "old-b", 0, "old-d", 0, "new-c", 0));
		held.put(leader.name(), 1);
		awaitSeenBy(leader, held);

		leader.stopAsOnSigterm();

		await().atMost(SETTLED).until(() -> "new-c".equals(holders().get("role-1")));
		assertThat(this.timelines.stepDowns(leader.name(), StepDownReason.ROLLED_OUT)).isEqualTo(1);
	}

	/** Waits until {@code replica} sees the roles held as {@code held} (every member, zero for none). */
	private static void awaitSeenBy(RoleReplica replica, Map<String, Integer> held) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(replica.electors().rolesPerReplica()).isEqualTo(held));
	}

	/** The API server stamps a pod's creation to the second: a later revision's pods start in a later one. */
	private static void nextSecond() {
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		await().until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(started));
	}

}
