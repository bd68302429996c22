package com.example.testleader.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.local.KubeletStandIn;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several roles spread over several replicas, against the in-process API, with a kubelet
 * stand-in keeping the replicas' pods (ready once they compete). After every test: in
 * every role no two critical windows overlapped, fencing tokens rose with every new
 * holder, and no live lease was taken over. Timings are shortened (lease 3 s, renew
 * deadline 2 s, retry 0.5 s).
 */
class RoleBalancingTest {

	private static final Duration LEASE = Candidate.TIMINGS.leaseDuration();

	private static final Duration SETTLED = LEASE.multipliedBy(5);

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final KubeletStandIn kubelet = new KubeletStandIn(this.admin, "default", Duration.ofMillis(100));

	private final RoleTimelines timelines = new RoleTimelines();

	private final LeaseWatchLog leases = new LeaseWatchLog(this.admin, "default");

	private final List<RoleReplica> replicas = new ArrayList<>();

	@AfterEach
	void everyRoleKeptItsGuarantees() {
		try {
			this.timelines.assertNoOverlap();
			this.leases.assertTokensRisePerRole();
			this.leases.assertNoLiveLeaseTakenOver(LEASE, Duration.ofMillis(100));
		}
		finally {
			this.replicas.forEach(RoleReplica::close);
			this.leases.close();
			this.kubelet.close();
			this.admin.close();
			this.api.close();
		}
	}

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
	void anAddedReplicaGetsRolesHandedOverOneAtATime() {
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

	private void start(String... names) {
		start(6, names);
	}

	private void start(int roles, String... names) {
		for (String name : names) {
			this.replicas.add(RoleReplica.start(name, roles(roles), this.api.clientConfig(), this.kubelet, this.timelines));
		}
	}

	private static List<String> roles(int count) {
		return IntStream.rangeClosed(1, count).mapToObj((i) -> "role-" + i).toList();
	}

	/** Waits until the Leases are held as {@code expected} (replica: roles held) and no role is free. */
	private void awaitHeld(Map<String, Integer> expected) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(heldPerReplica()).isEqualTo(new TreeMap<>(expected)));
	}

	private void awaitHeldCounts(List<Integer> expected) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(heldPerReplica().values().stream().sorted().toList())
			.isEqualTo(expected));
	}

	/** Roles held per replica, read from the Leases themselves; a free role counts for no one. */
	private Map<String, Integer> heldPerReplica() {
		Map<String, Integer> held = new TreeMap<>();
		holders().values().forEach((replica) -> held.merge(replica, 1, Integer::sum));
		return held;
	}

	private Map<String, String> holders() {
		return this.admin.leases()
			.inNamespace("default")
			.list()
			.getItems()
			.stream()
			.filter((lease) -> new LeaseRecord(lease).holder() != null)
			.collect(Collectors.toMap((Lease lease) -> lease.getMetadata().getName(),
					(lease) -> PodIdentity.replicaOf(new LeaseRecord(lease).holder()), (a, b) -> a, TreeMap::new));
	}

	private List<String> rolesOf(String replica) {
		return holders().entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(replica))
			.map(Map.Entry::getKey)
			.toList();
	}

}
