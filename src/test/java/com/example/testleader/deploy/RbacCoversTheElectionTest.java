package com.example.testleader.deploy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.local.KubeletStandIn;
import com.example.testleader.local.LocalKubernetesApi.ApiCall;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Role grants exactly the verbs the service uses: a whole election (create, renewals,
 * watch, a graceful handover, the Events of each change) is recorded by the in-process API
 * and compared with it.
 */
class RbacCoversTheElectionTest {

	private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases";

	private static final String PODS = "/api/v1/namespaces/default/pods";

	private static final String EVENTS = "/api/v1/namespaces/default/events";

	@Test
	void theRoleGrantsExactlyTheVerbsAnElectionUses() throws IOException {
		List<ApiCall> calls = recordAnElection();

		assertThat(calls).allSatisfy((call) -> assertThat(call.path()).satisfiesAnyOf(
				(path) -> assertThat(path).startsWith(LEASES), (path) -> assertThat(path).startsWith(PODS),
				(path) -> assertThat(path).startsWith(EVENTS)));
		Map<String, Set<String>> used = verbsByResource(calls);
		Map<String, Set<String>> granted = new TreeMap<>();
		Manifests.one(Manifests.all(), Role.class)
			.getRules()
			.forEach((rule) -> rule.getResources()
				.forEach((resource) -> granted.computeIfAbsent(resource, (key) -> new TreeSet<>())
					.addAll(rule.getVerbs())));
		assertThat(used).isEqualTo(granted);
		// the Events of the election: created, nothing else
		assertThat(calls).filteredOn((call) -> resource(call).equals("events"))
			.isNotEmpty()
			.allSatisfy((call) -> assertThat(verb(call)).isEqualTo("create"));
		// on the Leases, by name: those of the configured roles (the Role names them)
		assertThat(calls).filteredOn((call) -> resource(call).equals("leases") && !verb(call).equals("create"))
			.allSatisfy((call) -> assertThat(leaseNamed(call)).isIn(Manifests.one(Manifests.all(), Role.class)
				.getRules()
				.stream()
				.filter((rule) -> rule.getResourceNames() != null)
				.flatMap((rule) -> rule.getResourceNames().stream())
				.toList()));
		// pods only of this application, and only read
		assertThat(calls).filteredOn((call) -> resource(call).equals("pods"))
			.allSatisfy((call) -> assertThat(call.path()).contains("labelSelector=app.kubernetes.io%2Fname%3Dtest-leader"));
	}

	/**
	 * Several roles, balanced over the replicas, need the same verbs as one, on the Leases
	 * of those roles only: what the Role must add for them is their names.
	 */
	@Test
	void severalRolesUseTheSameVerbsOnTheirOwnLeasesOnly() {
		List<ApiCall> oneRole = recordAnElection();
		List<ApiCall> threeRoles = recordAnElection("test-leader.task.still-leading-roles=alpha,beta");

		assertThat(verbsByResource(threeRoles)).isEqualTo(verbsByResource(oneRole));
		assertThat(threeRoles).filteredOn((call) -> resource(call).equals("leases") && !verb(call).equals("create"))
			.extracting(RbacCoversTheElectionTest::leaseNamed)
			.containsOnly("test-lease", "alpha", "beta");
	}

	private static Map<String, Set<String>> verbsByResource(List<ApiCall> calls) {
		return calls.stream()
			.collect(Collectors.groupingBy(RbacCoversTheElectionTest::resource,
					Collectors.mapping(RbacCoversTheElectionTest::verb, Collectors.toCollection(TreeSet::new))));
	}

	/**
	 * Two replicas in pods (early takeover on): an election, renewals, a graceful
	 * handover. Only the replicas' requests are kept, not those that set up the pods.
	 * @param properties more properties of both replicas
	 */
	private static List<ApiCall> recordAnElection(String... properties) {
		WorkLog work = new WorkLog(Duration.ofMillis(1));
		try (LocalKubernetesApi api = LocalKubernetesApi.start(0);
				KubernetesClient admin = api.client();
				KubeletStandIn kubelet = new KubeletStandIn(admin, "default", Duration.ofMillis(100))) {
			String firstUid = kubelet.podStarted("replica-a");
			String secondUid = kubelet.podStarted("replica-b");
			int setUp = api.calls().size();
			Replica first = Replica.start("replica-a", api.url(), work, with(properties, "POD_UID=" + firstUid));
			try (Replica second = Replica.start("replica-b", api.url(), work, with(properties, "POD_UID=" + secondUid))) {
				await().atMost(Duration.ofSeconds(10)).until(() -> leadsAny(first));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> api.calls().stream().filter((call) -> call.method().equals("PUT")).count() >= 2);
				first.close();
				await().atMost(Duration.ofSeconds(10)).until(() -> second.context()
					.getBean(Electors.class)
					.all()
					.stream()
					.allMatch((elector) -> elector.leadership().leader()));
			}
			List<ApiCall> calls = api.calls();
			return calls.subList(setUp, calls.size());
		}
	}

	private static boolean leadsAny(Replica replica) {
		return replica.context().getBean(Electors.class).all().stream().anyMatch((e) -> e.leadership().leader());
	}

	private static String[] with(String[] properties, String more) {
		List<String> all = new java.util.ArrayList<>(List.of(properties));
		all.add(more);
		return all.toArray(String[]::new);
	}

	/** The Lease a request reads or writes by name: in its path, or in its field selector. */
	private static String leaseNamed(ApiCall call) {
		String path = call.path();
		if (path.contains("fieldSelector=metadata.name%3D")) {
			return path.replaceAll(".*fieldSelector=metadata.name%3D([^&]*).*", "$1");
		}
		return path.substring(LEASES.length() + 1).replaceAll("[/?].*", "");
	}

	private static String resource(ApiCall call) {
		return call.path().startsWith(PODS) ? "pods" : call.path().startsWith(EVENTS) ? "events" : "leases";
	}

	/** The RBAC verb of a request, as the API server's authorizer names it. */
	private static String verb(ApiCall call) {
		return switch (call.method()) {
			case "GET" -> call.path().contains("watch=true") ? "watch" : call.path().contains("?") ? "list" : "get";
			case "POST" -> "create";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> "delete";
			default -> call.method();
		};
	}

}
