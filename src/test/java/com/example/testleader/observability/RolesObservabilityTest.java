package com.example.testleader.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.local.KubeletStandIn;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several roles over two whole replicas, as operators see them over HTTP: the demo work
 * under four roles named by one property, beside the recorded work under the default
 * role, in pods a kubelet stand-in keeps.
 */
class RolesObservabilityTest {

	private static final List<String> ROLES = List.of("test-lease", "alpha", "beta", "gamma", "delta");

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final KubeletStandIn kubelet = new KubeletStandIn(this.admin, "default", Duration.ofMillis(100));

	private final WorkLog work = new WorkLog(Duration.ofMillis(10));

	private final List<Replica> replicas = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.replicas.forEach(Replica::close);
		this.kubelet.close();
		this.admin.close();
		this.api.close();
	}

	@Test
	void healthInfoAndMetricsShowEveryRoleAndHowTheRolesAreSpread() {
		Replica a = start("replica-a");
		Replica b = start("replica-b");
		awaitSpreadThreeAndTwo(a, b);

		Map<String, Object> rolesOfA = Http.get(a.management() + "/actuator/health").json("$.components.leader.details.roles");
		Map<String, Object> rolesOfB = Http.get(b.management() + "/actuator/health").json("$.components.leader.details.roles");
		assertThat(rolesOfA).containsOnlyKeys(ROLES);
		for (String role : ROLES) {
			String onA = Http.get(a.management() + "/actuator/health").json("$.components.leader.details.roles." + role + ".role");
			String onB = Http.get(b.management() + "/actuator/health").json("$.components.leader.details.roles." + role + ".role");
			assertThat(List.of(onA, onB)).as(role).containsExactlyInAnyOrder("leader", "follower");
		}
		assertThat(rolesOfB).containsOnlyKeys(ROLES);

		Http.Response info = Http.get(a.management() + "/actuator/info");
		assertThat((Map<String, Object>) info.json("$.leaderElection.roles")).containsOnlyKeys(ROLES);
		String alphaLeader = info.json("$.leaderElection.roles.alpha.leaderId");
		assertThat(alphaLeader).startsWith("replica-");

		Http.Response criticalWork = Http.get(a.management() + "/actuator/health/criticalWork");
		assertThat((Map<String, Object>) criticalWork.json("$.details.roles")).containsOnlyKeys(ROLES);

		String metrics = Http.get(a.management() + "/actuator/prometheus").body();
		for (String role : ROLES) {
			assertThat(metrics).containsPattern("leader_election_master_status\\{application=\"test-leader\",name=\""
					+ role + "\",pod=\"replica-a\"} [01].0")
				.containsPattern("critical_task_last_success_age_seconds\\{application=\"test-leader\",pod=\"replica-a\","
						+ "role=\"" + role + "\"}");
		}
	}

	@Test
	void oneRoleIsMovedOnRequestAndReadPerRole() {
		Replica a = start("replica-a");
		Replica b = start("replica-b");
		awaitSpreadThreeAndTwo(a, b);
		Replica holder = holderOf("alpha", a, b);
		Replica other = (holder == a) ? b : a;

		Http.Response read = Http.get(holder.management() + "/actuator/leadership/alpha");
		assertThat(read.status()).isEqualTo(200);
		assertThat((Boolean) read.json("$.leader")).isTrue();
		assertThat((String) read.json("$.leaseName")).isEqualTo("alpha");

		Http.Response moved = Http.post(holder.management() + "/actuator/leadership/alpha");
		assertThat(moved.status()).isEqualTo(202);
		assertThat((String) moved.json("$.role")).isEqualTo("alpha");
		await().atMost(Duration.ofSeconds(10)).until(() -> holderOf("alpha", a, b) == other);

		assertThat(Http.post(holder.management() + "/actuator/leadership/alpha").status()).isEqualTo(409);
		assertThat(Http.post(holder.management() + "/actuator/leadership/omega").status()).isEqualTo(404);
		assertThat(Http.get(holder.management() + "/actuator/leadership/omega").status()).isEqualTo(404);
		// the roles are balanced again afterwards, whichever role moves to do it
		awaitSpreadThreeAndTwo(a, b);
	}

	private Replica start(String name) {
		this.kubelet.podStarting(name);
		Replica replica = Replica.start(name, this.api.url(), this.work, concat(Replica.WEB,
				"test-leader.task.still-leading-roles=alpha,beta,gamma,delta", "test-leader.task.period=1s"));
		this.replicas.add(replica);
		this.kubelet.ready(name);
		return replica;
	}

	/** Five roles over two replicas: three and two, as both see it, with every role held. */
	private void awaitSpreadThreeAndTwo(Replica a, Replica b) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			for (Replica replica : List.of(a, b)) {
				Map<String, Integer> spread = Http.get(replica.management() + "/actuator/info")
					.json("$.leaderElection.rolesPerReplica");
				assertThat(spread).containsOnlyKeys("replica-a", "replica-b");
				assertThat(spread.values()).containsExactlyInAnyOrder(3, 2);
			}
		});
	}

	private Replica holderOf(String role, Replica... among) {
		for (Replica replica : among) {
			if (Boolean.TRUE.equals(Http.get(replica.management() + "/actuator/leadership/" + role).json("$.leader"))) {
				return replica;
			}
		}
		return null;
	}

	private static String[] concat(String[] first, String... more) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
