package com.example.testleader.election.roles;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.testleader.election.Handover;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.LeaseRecord;

/**
 * The balance of roles where a receiver cannot, or must not, take a role: it is offered
 * the role and never accepts, so nothing is released, no role goes without a leader, and
 * the offer is not repeated at once.
 */
class RoleBalancingEdgesTest extends RoleHarness {

	/** Ten retry periods: long enough for offers to be made, refused and made again elsewhere. */
	private static final Duration WINDOW = RETRY.multipliedBy(10);

	/**
	 * A replica cut off from the API keeps a ready pod (its probes are local): its roles are
	 * taken after the lease, and it is offered roles it never accepts.
	 */
	@Test
	void aReplicaCutOffFromTheApiIsOfferedRolesButNothingIsReleasedToIt() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));

		replica("replica-c").partition();
		awaitHeld(Map.of("replica-a", 3, "replica-b", 3));
		int mark = this.leases.seen().size();

		assertNothingReleasedDuring(WINDOW, mark);
		assertThat(this.leases.since(mark)).anySatisfy((seen) -> assertThat(seen.offeredTo()).isEqualTo("replica-c"));
		assertThat(this.leases.since(mark)).allSatisfy((seen) -> assertThat(seen.handedTo()).isNull());
	}

	/**
	 * A leaving replica offers each role to its successor before it stops the work: one cut
	 * off from the API (its pod still ready, so it is planned for) never accepts, and after a
	 * retry period the role is released to whoever takes it first, never handed to it.
	 */
	@Test
	void aLeavingReplicaReleasesToAllARoleItsCutOffSuccessorDoesNotAccept() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		List<String> leavingRoles = holders().entrySet()
			.stream()
			.filter((held) -> held.getValue().equals("replica-a"))
			.map(Map.Entry::getKey)
			.toList();
		int mark = this.leases.seen().size();

		replica("replica-b").partition();
		replica("replica-a").stopGracefully();

		await().atMost(SETTLED)
			.until(() -> leavingRoles.stream().allMatch((role) -> "replica-c".equals(holders().get(role))));
		assertThat(this.leases.since(mark)).anySatisfy((seen) -> assertThat(seen.offeredTo()).isEqualTo("replica-b"));
		assertThat(this.leases.since(mark)).noneSatisfy((seen) -> assertThat(seen.handedTo()).isEqualTo("replica-b"));
		assertThat(this.leases.since(mark)).anySatisfy((seen) -> assertThat(seen.handedTo()).isEqualTo("replica-c"));
	}

	/**
	 * A replica whose election stopped in-process (actuator shutdown, readiness refused)
	 * still shows a ready pod for a while: it hands its roles over as it leaves, and takes
	 * none back.
	 */
	@Test
	void aReplicaThatStoppedCompetingWhileItsPodLooksReadyGetsNoRoleBack() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));

		replica("replica-a").electors().stop();
		awaitHeld(Map.of("replica-b", 3, "replica-c", 3));
		int mark = this.leases.seen().size();

		assertNothingReleasedDuring(WINDOW, mark);
		assertThat(this.leases.since(mark)).allSatisfy((seen) -> assertThat(seen.handedTo()).isNull());
	}

	/**
	 * A role moved away on request ({@code POST /actuator/leadership/{role}}) is not handed
	 * back to the replica that gave it up while it pauses; another role goes to it instead.
	 */
	@Test
	void aYieldedRoleIsNotHandedBackWhileItsYielderPausesAndAnotherRoleMovesInstead() throws Exception {
		start(2, "replica-a", "replica-b");
		awaitHeld(Map.of("replica-a", 1, "replica-b", 1));
		String yielder = holders().get("role-2");
		String other = yielder.equals("replica-a") ? "replica-b" : "replica-a";
		int mark = this.leases.seen().size();

		Handover yielded = replica(yielder).electors().elector("role-2").orElseThrow().yieldLeadership()
			.get(10, TimeUnit.SECONDS);

		assertThat(yielded).isEqualTo(Handover.RELEASED);
		await().atMost(SETTLED).untilAsserted(() -> assertThat(holders()).containsEntry("role-1", yielder)
			.containsEntry("role-2", other));
		assertThat(this.leases.since(mark)).filteredOn((seen) -> seen.role().equals("role-2"))
			.allSatisfy((seen) -> assertThat(seen.handedTo()).isNull());
	}

	/**
	 * During a rollout that drops a role, the new replica does not compete for it: it is
	 * never released to it, and the other roles still spread over all three.
	 */
	@Test
	void aRoleAReplicaDoesNotCompeteForIsNeverReleasedToIt() {
		start("replica-a", "replica-b");
		awaitHeld(Map.of("replica-a", 3, "replica-b", 3));
		int mark = this.leases.seen().size();

		this.replicas.add(RoleReplica.start("replica-n", roles(5), this.api.clientConfig(), this.kubelet,
				this.timelines));

		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-n", 2));
		assertThat(holders().get("role-6")).isNotEqualTo("replica-n");
		assertThat(this.leases.since(mark)).filteredOn((seen) -> seen.role().equals("role-6"))
			.allSatisfy((seen) -> assertThat(seen.handedTo()).isNull());
	}

	/**
	 * With {@code test-leader.election.identity} other than the pod name, the pods tell
	 * nothing about the replicas: roles are balanced among those holding one, and nothing is
	 * offered to a pod name that no replica answers to.
	 */
	@Test
	void anIdentityOtherThanThePodNameOffersNothingToPodNames() {
		for (String pod : List.of("pod-a", "pod-b", "pod-c")) {
			this.replicas.add(RoleReplica.startAs("id-" + pod.substring(4), pod, roles(6), this.api.clientConfig(),
					this.kubelet, this.timelines));
		}
		await().atMost(SETTLED).until(() -> holders().size() == 6);
		int mark = this.leases.seen().size();

		throughout(WINDOW)
			.atMost(WINDOW.plus(LEASE))
			.until(() -> this.leases.since(mark)
				.stream()
				.noneMatch((seen) -> String.valueOf(seen.offeredTo()).startsWith("pod-")
						|| String.valueOf(seen.handedTo()).startsWith("pod-")));
	}

	/**
	 * A restarted container's new process shares its pod's name with its predecessor, whose
	 * terms may still be live: they are not the new process's to count, nor to give.
	 */
	@Test
	void aRestartedProcessDoesNotCountItsPredecessorsRolesAsItsOwn() {
		start("replica-a", "replica-b", "replica-c");
		awaitHeld(Map.of("replica-a", 2, "replica-b", 2, "replica-c", 2));
		String predecessor = replica("replica-a").electors().identity();
		replica("replica-a").partition();

		RoleReplica again = RoleReplica.restartIn("replica-a", roles(6), this.api.clientConfig(), this.kubelet,
				this.timelines);
		this.replicas.add(again);
		String identity = again.electors().identity();
		AtomicBoolean predecessorSeen = new AtomicBoolean();
		List<String> wrong = new CopyOnWriteArrayList<>();

		// for a lease and more, over the lapse of the old terms and what follows: whatever the
		// Leases name around each look, the new process counts as its own only the roles it
		// holds itself, and leads none that still names its predecessor (what was wrong once
		// is kept, so that a later good spell cannot hide it)
		throughout(LEASE.plus(RETRY.multipliedBy(2))).atMost(LEASE.plus(RETRY.multipliedBy(4))).untilAsserted(() -> {
			Map<String, String> before = holderIdentities();
			int counted = again.electors().rolesPerReplica().getOrDefault("replica-a", 0);
			List<String> leading = again.electors()
				.all()
				.stream()
				.filter((elector) -> elector.leadership().leader())
				.map(LeaseElector::role)
				.toList();
			Map<String, String> after = holderIdentities();
			if (before.containsValue(predecessor)) {
				predecessorSeen.set(true);
			}
			Set<String> namingIt = new TreeSet<>();
			before.forEach((role, holder) -> {
				if (holder.equals(identity)) {
					namingIt.add(role);
				}
			});
			after.forEach((role, holder) -> {
				if (holder.equals(identity)) {
					namingIt.add(role);
				}
			});
			if (counted > namingIt.size()) {
				wrong.add("counted " + counted + " roles as its own while the Leases named it in " + namingIt);
			}
			leading.stream()
				.filter((role) -> predecessor.equals(after.get(role)))
				.forEach((role) -> wrong.add("led " + role + " while its Lease named the predecessor"));
			assertThat(wrong).isEmpty();
		});
		assertThat(predecessorSeen).as("the Leases named the predecessor during the window").isTrue();
	}

	/** Each held role's holder identity, read from the Leases themselves. */
	private Map<String, String> holderIdentities() {
		Map<String, String> holders = new TreeMap<>();
		this.admin.leases().inNamespace("default").list().getItems().forEach((lease) -> {
			String holder = new LeaseRecord(lease).holder();
			if (holder != null) {
				holders.put(lease.getMetadata().getName(), holder);
			}
		});
		return holders;
	}

	/** For {@code window}: every Lease keeps a holder, that is, no role is released. */
	private void assertNothingReleasedDuring(Duration window, int mark) {
		throughout(window)
			.atMost(window.plus(LEASE))
			.until(() -> this.leases.since(mark).stream().allMatch((seen) -> seen.holder() != null));
	}

}
