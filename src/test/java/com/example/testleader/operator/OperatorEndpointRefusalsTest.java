package com.example.testleader.operator;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.local.LocalKubernetesApi.ApiCall;
import com.example.testleader.observability.Http;

import static com.example.testleader.Throughout.throughout;
import static com.example.testleader.operator.AuthStandIn.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * In {@code kubernetes} mode, over HTTP on a running leader: a call without a token the
 * cluster accepts is answered 401, a user without the permission 403, and either way
 * nothing happens; reads need no token. The reviews are answered by {@link AuthStandIn}.
 */
class OperatorEndpointRefusalsTest {

	private static final List<String> OPERATOR_ENDPOINTS = List.of("/actuator/leadership", "/actuator/shutdown");

	private static LocalKubernetesApi api;

	private static AuthStandIn auth;

	private static Replica leader;

	@BeforeAll
	static void startALeader() {
		api = LocalKubernetesApi.start(0);
		auth = new AuthStandIn(api);
		leader = Replica.start("replica-a", api.url(), new WorkLog(Duration.ofMillis(100)),
				AuthStandIn.KUBERNETES_MODE);
		await().atMost(Duration.ofSeconds(10)).until(() -> leader.elector().leadership().leader());
	}

	@AfterAll
	static void stop() {
		leader.close();
		api.close();
	}

	@AfterEach
	void nothingHappened() {
		// a granted shutdown would close the context half a second after its answer
		throughout(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> leader.isRunning() && leader.elector().leadership().leader());
		assertThat(api.firstRelease()).isEmpty();
	}

	@Test
	void withoutABearerTokenTheCallIsAnswered401WithTheChallenge() {
		int before = reviews().size();
		for (String endpoint : OPERATOR_ENDPOINTS) {
			Http.Response response = Http.post(leader.management() + endpoint);
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"test-leader\"");
			assertThat((String) response.json("$.message")).isEqualTo("No bearer token: send a Kubernetes token as "
					+ "'Authorization: Bearer <token>', for example from 'kubectl create token <service-account>'");
			assertThat(Http.post(leader.management() + endpoint, "Authorization", "Basic b3BzOnNlY3JldA==").status())
				.isEqualTo(401);
		}
		assertThat(reviews()).hasSize(before);
	}

	@Test
	void aTokenTheTokenReviewRejectsIsAnswered401() {
		for (String endpoint : OPERATOR_ENDPOINTS) {
			Http.Response response = Http.post(leader.management() + endpoint, bearer("eyJ-not-from-this-cluster"));
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
			assertThat((String) response.json("$.message"))
					.isEqualTo("The bearer token was not accepted: the Kubernetes API (TokenReview) found it invalid or "
						+ "expired");
		}
	}

	@Test
	void aUserWithoutThePermissionIsAnswered403NamingIt() {
		String token = auth.serviceAccountToken("ops", "alice");
		String alice = AuthStandIn.user("ops", "alice");
		// permissions near the right ones, but not them
		auth.allow(alice, "get", "coordination.k8s.io", "leases", "default", "test-lease");
		auth.allow(alice, "update", "coordination.k8s.io", "leases", "default", "other-lease");
		auth.allow(alice, "delete", "", "pods", "default", "replica-b");
		auth.allow(alice, "delete", "", "pods", "ops", "replica-a");
		int before = reviews().size();

		Http.Response leadership = Http.post(leader.management() + "/actuator/leadership", bearer(token));
		assertThat(leadership.status()).isEqualTo(403);
		assertThat((String) leadership.json("$.message")).isEqualTo("system:serviceaccount:ops:alice may not move "
				+ "leadership: that takes permission to update leases.coordination.k8s.io/test-lease -n default (kubectl "
				+ "auth can-i update leases.coordination.k8s.io/test-lease -n default --as system:serviceaccount:ops:alice)");
		Http.Response shutdown = Http.post(leader.management() + "/actuator/shutdown", bearer(token));
		assertThat(shutdown.status()).isEqualTo(403);
		assertThat((String) shutdown.json("$.message")).startsWith("system:serviceaccount:ops:alice may not shut this "
				+ "replica down: that takes permission to delete pods/replica-a -n default");

		// the only requests: a TokenReview and a SubjectAccessReview per call, what
		// system:auth-delegator grants; the second asks about the user as the first named it
		List<ApiCall> reviews = reviews().subList(before, reviews().size());
		assertThat(reviews).extracting(ApiCall::method, ApiCall::path)
			.containsExactly(tuple("POST", AuthStandIn.TOKEN_REVIEWS), tuple("POST", AuthStandIn.ACCESS_REVIEWS),
					tuple("POST", AuthStandIn.TOKEN_REVIEWS), tuple("POST", AuthStandIn.ACCESS_REVIEWS));
		List<SubjectAccessReview> asked = reviews.stream()
			.filter((call) -> call.path().equals(AuthStandIn.ACCESS_REVIEWS))
			.map((call) -> Serialization.unmarshal(call.body(), SubjectAccessReview.class))
			.toList();
		assertThat(asked).allSatisfy((review) -> {
			assertThat(review.getSpec().getUser()).isEqualTo(alice);
			assertThat(review.getSpec().getGroups()).contains("system:serviceaccounts:ops", "system:authenticated");
			assertThat(review.getSpec().getUid()).isNotBlank();
			assertThat(review.getSpec().getExtra()).containsKey("authentication.kubernetes.io/pod-name");
		});
		assertThat(asked).extracting((review) -> review.getSpec().getResourceAttributes())
			.extracting(ResourceAttributes::getVerb, ResourceAttributes::getGroup, ResourceAttributes::getResource,
					ResourceAttributes::getNamespace, ResourceAttributes::getName)
			.containsExactly(tuple("update", "coordination.k8s.io", "leases", "default", "test-lease"),
					tuple("delete", "", "pods", "default", "replica-a"));
	}

	/**
	 * A permission on another Lease does not move this one, whatever the request names
	 * besides its path: Spring Boot hands every query parameter and JSON field to the
	 * operation as an argument, but only the path's selector chooses the Lease.
	 */
	@Test
	void aPermissionOnAnotherLeaseNamedInTheQueryOrTheBodyMovesNothing() {
		String token = auth.serviceAccountToken("ops", "mallory");
		auth.allow(AuthStandIn.user("ops", "mallory"), "update", "coordination.k8s.io", "leases", "default",
				"other-lock");

		for (String endpoint : List.of("/actuator/leadership", "/actuator/shutdown")) {
			Http.Response query = Http.post(leader.management() + endpoint + "?role=other-lock", bearer(token));
			assertThat(query.status()).as(endpoint + "?role=other-lock").isEqualTo(403);
			Http.Response body = Http.postJson(leader.management() + endpoint, "{\"role\":\"other-lock\"}",
					bearer(token));
			assertThat(body.status()).as(endpoint + " {role: other-lock}").isEqualTo(403);
		}
		assertThat((String) Http.post(leader.management() + "/actuator/leadership?role=other-lock", bearer(token))
			.json("$.message")).contains("update leases.coordination.k8s.io/test-lease -n default");

		String ownRole = "/actuator/leadership/test-lease";
		Http.Response query = Http.post(leader.management() + ownRole + "?role=other-lock", bearer(token));
		assertThat(query.status()).as(ownRole + "?role=other-lock").isEqualTo(400);
		assertThat((String) query.json("$.message")).isEqualTo("The role is named by the path "
				+ "(/actuator/leadership/test-lease); the request names another (other-lock) besides");
		Http.Response body = Http.postJson(leader.management() + ownRole, "{\"role\":\"other-lock\"}",
				bearer(token));
		assertThat(body.status()).as(ownRole + " {role: other-lock}").isEqualTo(400);
		assertThat(Http.post(leader.management() + ownRole, bearer(token)).status()).isEqualTo(403);
	}

	/**
	 * A hand-over to a named replica moves leadership as a step-down does, so it needs the
	 * same permission on the Lease of the role it moves, whoever it names.
	 */
	@Test
	void aHandOverToANamedReplicaNeedsThePermissionOnTheLeaseItMoves() {
		String handover = leader.management() + "/actuator/handover";
		assertThat(Http.postJson(handover, "{\"to\":\"replica-b\"}").status()).isEqualTo(401);
		String token = auth.serviceAccountToken("ops", "mallory");
		auth.allow(AuthStandIn.user("ops", "mallory"), "update", "coordination.k8s.io", "leases", "default",
				"other-lock");

		Http.Response defaultRole = Http.postJson(handover, "{\"to\":\"replica-b\"}", bearer(token));
		assertThat(defaultRole.status()).isEqualTo(403);
		assertThat((String) defaultRole.json("$.message"))
			.contains("update leases.coordination.k8s.io/test-lease -n default");
		assertThat(Http.postJson(handover + "/test-lease", "{\"to\":\"replica-b\"}", bearer(token)).status())
			.isEqualTo(403);
		assertThat(Http.postJson(handover, "{\"to\":\"replica-b\",\"role\":\"other-lock\"}", bearer(token))
			.status()).isEqualTo(403);
		assertThat(Http.postJson(handover + "/test-lease", "{\"to\":\"replica-b\",\"role\":\"other-lock\"}",
				bearer(token))
			.status()).isEqualTo(400);
	}

	@Test
	void aDecisionIsReusedForTheSameTokenAndActionOnly() {
		String token = auth.serviceAccountToken("ops", "bob");
		int before = reviews().size();

		assertThat(Http.post(leader.management() + "/actuator/leadership", bearer(token)).status()).isEqualTo(403);
		assertThat(Http.post(leader.management() + "/actuator/leadership", bearer(token)).status()).isEqualTo(403);
		assertThat(reviews()).hasSize(before + 2);

		assertThat(Http.post(leader.management() + "/actuator/shutdown", bearer(token)).status()).isEqualTo(403);
		assertThat(reviews()).hasSize(before + 4);
	}

	@Test
	void healthInfoPrometheusTheProbesAndTheLeadershipViewNeedNoToken() {
		int before = reviews().size();
		for (String read : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
				"/actuator/info", "/actuator/prometheus", "/actuator/leadership")) {
			assertThat(Http.get(leader.management() + read).status()).as(read).isEqualTo(200);
		}
		assertThat(reviews()).hasSize(before);
	}

	private static List<ApiCall> reviews() {
		return api.calls()
			.stream()
			.filter((call) -> call.path().startsWith("/apis/authentication.k8s.io/")
					|| call.path().startsWith("/apis/authorization.k8s.io/"))
			.toList();
	}

}
