package com.example.testleader.election.roles;

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

import com.example.testleader.election.Candidate;
import com.example.testleader.election.LeaseRecord;
import com.example.testleader.election.LeaseWatchLog;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.local.KubeletStandIn;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every test of several roles needs: replicas on the in-process API, in pods a
 * kubelet stand-in keeps (ready once they compete), their beliefs on one timeline per
 * role, and every version of every Lease. After every test: in every role no two critical
 * windows overlapped, fencing tokens rose with every new holder, and no live lease was
 * taken over. Timings are shortened (lease 3 s, renew deadline 2 s, retry 0.5 s).
 */
abstract class RoleHarness {

	static final Duration LEASE = Candidate.TIMINGS.leaseDuration();

	static final Duration RETRY = Candidate.TIMINGS.retryPeriod();

	static final Duration SETTLED = LEASE.multipliedBy(5);

	final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	final KubernetesClient admin = this.api.client();

	final KubeletStandIn kubelet = new KubeletStandIn(this.admin, "default", Duration.ofMillis(100));

	final RoleTimelines timelines = new RoleTimelines();

	final LeaseWatchLog leases = new LeaseWatchLog(this.admin, "default");

	final List<RoleReplica> replicas = new ArrayList<>();

	@AfterEach
	void everyRoleKeptItsGuarantees() {
		try {
			this.timelines.assertNoOverlap();
			this.leases.assertTokensRisePerRole();
			this.leases.assertNoLiveLeaseTakenOver(LEASE);
		}
		finally {
			this.replicas.forEach(RoleReplica::close);
			this.leases.close();
			this.kubelet.close();
			this.admin.close();
			this.api.close();
		}
	}

	void start(String... names) {
		start(6, names);
	}

	void start(int roles, String... names) {
		for (String name : names) {
			this.replicas.add(RoleReplica.start(name, roles(roles), this.api.clientConfig(), this.kubelet, this.timelines));
		}
	}

	/** Starts {@code names} competing for {@code roles} roles, in pods of the revision {@code templateHash}. */
	void startOfRevision(int roles, String templateHash, String... names) {
		for (String name : names) {
			this.replicas.add(RoleReplica.startOfRevision(name, templateHash, roles(roles), this.api.clientConfig(),
					this.kubelet, this.timelines));
		}
	}

	static List<String> roles(int count) {
		return IntStream.rangeClosed(1, count).mapToObj((i) -> "role-" + i).toList();
	}

	/** Waits until the Leases are held as {@code expected} (replica: roles held) and no role is free. */
	void awaitHeld(Map<String, Integer> expected) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(heldPerReplica()).isEqualTo(new TreeMap<>(expected)));
	}

	void awaitHeldCounts(List<Integer> expected) {
		await().atMost(SETTLED).untilAsserted(() -> assertThat(heldPerReplica().values().stream().sorted().toList())
			.isEqualTo(expected));
	}

	/** Roles held per replica, read from the Leases themselves; a free role counts for no one. */
	Map<String, Integer> heldPerReplica() {
		Map<String, Integer> held = new TreeMap<>();
		holders().values().forEach((replica) -> held.merge(replica, 1, Integer::sum));
		return held;
	}

	Map<String, String> holders() {
		return this.admin.leases()
			.inNamespace("default")
			.list()
			.getItems()
			.stream()
			.filter((lease) -> new LeaseRecord(lease).holder() != null)
			.collect(Collectors.toMap((Lease lease) -> lease.getMetadata().getName(),
					(lease) -> PodIdentity.replicaOf(new LeaseRecord(lease).holder()), (a, b) -> a, TreeMap::new));
	}

	List<String> rolesOf(String replica) {
		return holders().entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(replica))
			.map(Map.Entry::getKey)
			.toList();
	}

	RoleReplica replica(String name) {
		return this.replicas.stream().filter((replica) -> replica.name().equals(name)).findFirst().orElseThrow();
	}

}
