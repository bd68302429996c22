package com.example.testleader.deploy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.local.LocalKubernetesApi.ApiCall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Role grants exactly the verbs the service uses: a whole election (create, renewals,
 * watch, a graceful handover) is recorded by the in-process API and compared with it.
 */
class RbacCoversTheElectionTest {

	private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases";

	@Test
	void theRoleGrantsExactlyTheVerbsAnElectionUses() throws IOException {
		List<ApiCall> calls = recordAnElection();

		assertThat(calls).allSatisfy((call) -> assertThat(call.path()).startsWith(LEASES));
		Set<String> used = calls.stream()
			.map(RbacCoversTheElectionTest::verb)
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> granted = Manifests.one(Manifests.all(), Role.class)
			.getRules()
			.stream()
			.flatMap((rule) -> rule.getVerbs().stream())
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(used).isEqualTo(granted);
		assertThat(calls).filteredOn((call) -> !verb(call).equals("create"))
			.allSatisfy((call) -> assertThat(call.path()).satisfiesAnyOf((path) -> assertThat(path).startsWith(LEASES + "/test-lease"),
					(path) -> assertThat(path).contains("fieldSelector=metadata.name%3Dtest-lease")));
	}

	private static List<ApiCall> recordAnElection() {
		WorkLog work = new WorkLog(Duration.ofMillis(1));
		try (LocalKubernetesApi api = LocalKubernetesApi.start(0)) {
			Replica first = Replica.start("replica-a", api.url(), work);
			try (Replica second = Replica.start("replica-b", api.url(), work)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> first.elector().leadership().leader());
				await().atMost(Duration.ofSeconds(10))
					.until(() -> api.calls().stream().filter((call) -> call.method().equals("PUT")).count() >= 2);
				first.close();
				await().atMost(Duration.ofSeconds(10)).until(() -> second.elector().leadership().leader());
			}
			return api.calls();
		}
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
