package com.example.testleader.election.roles;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
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

	/** How long a leaving replica waits for its successor's acceptance: a retry period. */
	private static final Duration OFFER_WAIT = RETRY;

	/**
	 * A step-down, a release and a take: tens of milliseconds, given half a second here for
	 * a busy machine (still far below a lease duration).
	 */
	private static final Duration TAKE = Duration.ofMillis(500);

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

	/**
	 * Two replicas leave at once, each before its view of the pods shows the other's
	 * deletion, so each plan names the other as its successor: neither accepts (a leaving
	 * replica does not compete), so nothing is handed to either, each role is released to
	 * all once its offer expires, a retry period after the leave began, and is taken at once
	 * by the replica that stays.
	 */
	@Test
	void twoReplicasLeavingAtOnceThatNameEachOtherReleaseTheirRolesToTheOneThatStays() {
		start(4, "replica-a", "replica-b", "replica-c");
		awaitHeldCounts(List.of(1, 1, 2));
		Map<String, String> before = holders();
		String staying = heldPerReplica().entrySet()
			.stream()
			.filter((held) -> held.getValue() == 2)
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow();
		List<RoleReplica> leaving = this.replicas.stream().filter((replica) -> !replica.name().equals(staying)).toList();
		leaving.forEach((replica) -> awaitSeenBy(replica, heldPerReplica()));
		// Each replica's leave reaches all of its roles' loops at once. Staged here is the order
		// in which both have stopped competing for the roles they do not hold before either
		// offers its own: no offer can then find the other still competing.
		for (RoleReplica replica : leaving) {
			before.forEach((role, holder) -> {
				if (!holder.equals(replica.name())) {
					replica.electors().elector(role).orElseThrow().leave().join();
				}
			});
		}
		int mark = this.leases.seen().size();
		ZonedDateTime leftAt = ZonedDateTime.now(ZoneOffset.UTC);
		long leftAtNanos = System.nanoTime();

		// SIGTERM to both: the application's readiness turns, on which the election leaves;
		// then the pods are seen being deleted, and the lifecycle stops
		leaving.forEach((replica) -> replica.electors().leave());
		leaving.forEach((replica) -> this.kubelet.terminating(replica.name()));
		leaving.forEach((replica) -> {
			replica.electors().stop();
			this.kubelet.deletedGracefully(replica.name());
		});

		awaitHeld(Map.of(staying, 4));
		for (RoleReplica replica : leaving) {
			String role = rolesOf(before, replica.name()).get(0);
			String other = leaving.stream().filter((each) -> each != replica).findFirst().orElseThrow().name();
			List<Seen> seen = this.leases.since(mark).stream().filter((each) -> each.role().equals(role)).toList();
			// its plan named the other leaver, which never accepted: nothing was handed to anyone
			assertThat(seen).as(role).anySatisfy((each) -> assertThat(each.offeredTo()).isEqualTo(other));
			assertThat(seen).as(role).allSatisfy((each) -> assertThat(each.handedTo()).isNull());
			// released to all within its bound: the offer's retry period, then the step-down
			Seen released = seen.stream().filter((each) -> each.holder() == null).findFirst().orElseThrow();
			assertThat(Duration.between(leftAt, released.renewTime())).as(role).isLessThan(OFFER_WAIT.plus(TAKE));
			// and led again by the replica that stays within the bound and a take, leaderless
			// for no longer than a take
			List<Timeline.Window> windows = this.timelines.of(role).windows();
			Timeline.Window last = windows.stream()
				.filter((window) -> window.candidate().equals(replica.name()) && window.to() > leftAtNanos)
				.findFirst()
				.orElseThrow();
			Timeline.Window next = windows.stream()
				.filter((window) -> window.from() > leftAtNanos)
				.findFirst()
				.orElseThrow();
			assertThat(next.candidate()).as(role).isEqualTo(staying);
			assertThat(Duration.ofNanos(next.from() - leftAtNanos)).as(role).isLessThan(OFFER_WAIT.plus(TAKE));
			assertThat(Duration.ofNanos(next.from() - last.to())).as(role).isLessThan(TAKE);
		}
	}

	private static List<String> rolesOf(Map<String, String> holders, String replica) {
		return holders.entrySet().stream().filter((held) -> held.getValue().equals(replica)).map(Map.Entry::getKey).toList();
	}

	/** Waits until {@code replica} sees the roles held as {@code held} (every member, zero for none). */
	private static void awaitSeenBy(RoleReplica replica, Map<String, Integer> held) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(replica.electors().rolesPerReplica()).isEqualTo(held));
	}

}
