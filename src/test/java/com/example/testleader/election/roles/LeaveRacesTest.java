package com.example.testleader.election.roles;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.testleader.election.LeaseWatchLog.Seen;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.Timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Races of a graceful leave with a chosen successor: a leaving replica offers each role to
 * the replica its plan names, and stops the work and releases the Lease handed to it only
 * once that replica accepted; unaccepted within a retry period, the Lease is released to
 * all. Each test stages one interleaving on purpose. After each, the harness checks that in
 * no role were two replicas' critical windows (the work) ever open at once, that fencing
 * tokens rose, and that no live lease was taken over.
 */
class LeaveRacesTest extends RoleHarness {

	/** What the API server sends a replica once its acceptance of an offer has landed. */
	private static String acceptanceBy(String replica) {
		return "test-leader.example.com/accepted-by\":\"" + replica + "\"";
	}

	/**
	 * The successor accepts the leaver's offer and dies before it takes the role: the Lease
	 * was released handed to it, so the others leave it to it for the handover grace, and
	 * then a third replica takes it, not a whole lease duration later.
	 */
	@Test
	void aSuccessorThatDiesBetweenAcceptingAndTakingLeavesTheRoleToAThirdReplicaAfterTheHandoverGrace() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		RoleReplica leaving = replica("replica-a");
		awaitSeenBy(leaving, Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		int mark = this.leases.seen().size();

		replica("replica-b").crashOnceServed(acceptanceBy("replica-b"));
		leaving.stopGracefully();

		await().atMost(SETTLED).until(() -> this.leases.since(mark).stream()
			.anyMatch((seen) -> "replica-b".equals(seen.handedTo())));
		Seen handed = this.leases.since(mark).stream()
			.filter((seen) -> "replica-b".equals(seen.handedTo()))
			.findFirst()
			.orElseThrow();
		String role = handed.role();
		await().atMost(SETTLED).until(() -> "replica-c".equals(holders().get(role)));
		Seen taken = this.leases.since(mark).stream()
			.filter((seen) -> seen.role().equals(role) && seen.holder() != null && seen.nanos() > handed.nanos())
			.findFirst()
			.orElseThrow();

		// the race was run: the successor died once its acceptance had landed, and never led the role
		assertThat(this.timelines.of(role).first("replica-b", Timeline.Kind.DIED)).isPresent();
		assertThat(this.timelines.of(role).first("replica-b", Timeline.Kind.GRANTED)).isEmpty();
		assertThat(PodIdentity.replicaOf(taken.holder())).isEqualTo("replica-c");
		// taken once the handover grace (a retry period) was over, as the two replicas' own
		// writes say, not a lease duration after the release
		assertThat(Duration.between(handed.renewTime(), taken.acquireTime())).isGreaterThanOrEqualTo(RETRY)
			.isLessThan(LEASE);
	}

	/** Waits until {@code replica} sees the roles held as {@code held} (every member, zero for none). */
	private static void awaitSeenBy(RoleReplica replica, Map<String, Integer> held) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(replica.electors().rolesPerReplica()).isEqualTo(held));
	}

}
