package com.example.testleader.election.roles;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.example.testleader.election.Handover;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.LeaseWatchLog.Seen;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.Timeline;

import static com.example.testleader.Throughout.throughout;
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

	/**
	 * A Deployment's rollout is rolled back halfway: pods of the new revision started and
	 * old ones left, then the rollback starts pods of the old template (the newest pods now)
	 * and deletes the new revision's. Its pods rank newest: a leaving pod of the abandoned
	 * revision hands its roles to them, the balance never moves a role onto the abandoned
	 * revision's pods, and every role moves at most once from the rollback's start.
	 */
	@Test
	void aRollbackHalfwayEndsTheRolesOnItsPodsAndNeverMovesOneOntoTheAbandonedRevision() {
		startOfRevision(6, "v1", "old-a", "old-b");
		awaitHeldCounts(List.of(3, 3));
		nextSecond();
		startOfRevision(6, "v2", "new-c");
		awaitHeld(Map.of("old-a", 2, "old-b", 2, "new-c", 2));
		leave("old-a", Map.of("old-a", 2, "old-b", 2, "new-c", 2));
		awaitHeld(Map.of("old-b", 2, "new-c", 4));
		nextSecond();
		startOfRevision(6, "v2", "new-e");
		awaitHeld(Map.of("old-b", 2, "new-c", 2, "new-e", 2));

		// the rollback: the old template again, in a pod created after every pod of the new one
		Map<String, String> atRollback = holders();
		int mark = this.leases.seen().size();
		nextSecond();
		startOfRevision(6, "v1", "back-d");
		awaitHeldCounts(List.of(1, 1, 2, 2));
		leave("new-e", heldBy("old-b", "new-c", "new-e", "back-d"));
		await().atMost(SETTLED).until(() -> holders().size() == 6 && !holders().containsValue("new-e"));
		// the pod of the abandoned revision left holding the fewest is given nothing, for a while
		Map<String, Integer> held = heldPerReplica();
		assertThat(held.get("new-c")).isLessThan(held.get("back-d") - 1);
		throughout(RETRY.multipliedBy(6)).atMost(SETTLED).until(() -> heldPerReplica().equals(held));
		leave("new-c", heldBy("old-b", "new-c", "back-d"));

		awaitHeld(Map.of("old-b", 3, "back-d", 3));
		List<Seen> since = this.leases.since(mark);
		// nothing went to the abandoned revision once the rollback began: no hand-over, no take
		assertThat(since).allSatisfy((seen) -> assertThat(seen.handedTo()).isNotIn("new-c", "new-e"));
		assertThat(since).filteredOn((seen) -> seen.holder() != null)
			.allSatisfy((seen) -> assertThat(PodIdentity.replicaOf(seen.holder()))
				.isIn(atRollback.get(seen.role()), "old-b", "back-d"));
		// a leaving pod of the abandoned revision handed each of its roles to the rollback's
		assertThat(this.timelines.stepDowns("new-e", StepDownReason.ROLLED_OUT)).isEqualTo(2);
		assertThat(this.timelines.stepDowns("new-e", StepDownReason.RELEASED)).isZero();
		assertThat(this.timelines.stepDowns("new-c", StepDownReason.ROLLED_OUT)).isEqualTo(1);
		// from the rollback on, every role moved at most once, and each on the abandoned revision did
		Map<String, Integer> moves = movesPerRole(atRollback, since);
		atRollback.forEach((role, holder) -> assertThat(moves.get(role)).as("moves of %s, on %s at the rollback",
				role, holder).isBetween(holder.startsWith("new-") ? 1 : 0, 1));
	}

	/**
	 * An operator asks the leader to hand its role to the replica being deleted, while that
	 * replica is leaving (its pod marked for deletion, its readiness turned, its own roles
	 * still being handed on): it no longer competes, so it never accepts. The request is
	 * answered {@link Handover#NOT_ACCEPTED} (409 at {@code POST /actuator/handover}), and
	 * the leader leads on: its critical window never closed, its Lease never released.
	 */
	@Test
	void aHandoverToTheReplicaBeingDeletedIsNotAcceptedAndTheLeaderNeverStops() throws Exception {
		start(3, "replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 1, "replica-b", 1, "replica-c", 1));
		RoleReplica deleted = replica("replica-b");
		awaitSeenBy(deleted, Map.of("replica-a", 1, "replica-b", 1, "replica-c", 1));
		String role = rolesOf("replica-a").get(0);
		LeaseElector leader = replica("replica-a").electors().elector(role).orElseThrow();
		int mark = this.leases.seen().size();
		int entries = this.timelines.of(role).entries().size();

		this.kubelet.terminating("replica-b");
		deleted.electors().leave();
		await().atMost(SETTLED).until(() -> deleted.electors().all().stream().noneMatch(LeaseElector::competes));
		Handover answer = leader.handTo("replica-b")
			.get(leader.handOverTimeout().toMillis(), TimeUnit.MILLISECONDS);

		assertThat(answer).isEqualTo(Handover.NOT_ACCEPTED);
		assertThat(leader.leadership().leader()).isTrue();
		assertThat(this.timelines.of(role).entries().subList(entries, this.timelines.of(role).entries().size()))
			.noneSatisfy((entry) -> assertThat(entry.kind()).isIn(Timeline.Kind.REVOKED, Timeline.Kind.LOST,
					Timeline.Kind.GRANTED));
		assertThat(this.timelines.of(role).leaders()).containsExactly("replica-a");
		List<Seen> seen = this.leases.since(mark).stream().filter((each) -> each.role().equals(role)).toList();
		assertThat(seen).anySatisfy((each) -> assertThat(each.offeredTo()).isEqualTo("replica-b"));
		assertThat(seen).allSatisfy((each) -> assertThat(each.holder()).isEqualTo(leader.identity()));

		deleted.electors().stop();
		this.kubelet.deletedGracefully("replica-b");
	}

	/** Deletes the pod {@code name} gracefully once its replica sees the roles held as {@code held}. */
	private void leave(String name, Map<String, Integer> held) {
		RoleReplica leaving = replica(name);
		awaitSeenBy(leaving, held);
		leaving.stopGracefully();
	}

	/** Roles held by each of {@code members} (zero for none), as the Leases say. */
	private Map<String, Integer> heldBy(String... members) {
		Map<String, Integer> held = new TreeMap<>();
		for (String member : members) {
			held.put(member, 0);
		}
		held.putAll(heldPerReplica());
		return held;
	}

	private static List<String> rolesOf(Map<String, String> holders, String replica) {
		return holders.entrySet().stream().filter((held) -> held.getValue().equals(replica)).map(Map.Entry::getKey).toList();
	}

	/** How often each role's holder changed in {@code seen}, from the holders {@code from}. */
	private static Map<String, Integer> movesPerRole(Map<String, String> from, List<Seen> seen) {
		Map<String, String> holder = new HashMap<>(from);
		Map<String, Integer> moves = new TreeMap<>();
		from.keySet().forEach((role) -> moves.put(role, 0));
		for (Seen each : seen) {
			if (each.holder() == null) {
				continue;
			}
			String replica = PodIdentity.replicaOf(each.holder());
			if (!replica.equals(holder.put(each.role(), replica))) {
				moves.merge(each.role(), 1, Integer::sum);
			}
		}
		return moves;
	}

	/** The API server stamps a pod's creation to the second: a later revision's pods start in a later one. */
	private static void nextSecond() {
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		await().until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(started));
	}

	/** Waits until {@code replica} sees the roles held as {@code held} (every member, zero for none). */
	private static void awaitSeenBy(RoleReplica replica, Map<String, Integer> held) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(replica.electors().rolesPerReplica()).isEqualTo(held));
	}

}
