package com.example.testleader.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.observability.Http;

import static com.example.testleader.Throughout.throughout;
import static com.example.testleader.operator.AuthStandIn.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In {@code kubernetes} mode, over HTTP: a user whom the authorizer allows the equivalent
 * on the real object gets the action; when the reviews cannot be made the call is refused
 * with 503 (fail closed) and nothing happens.
 */
class OperatorEndpointActionsTest {

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final AuthStandIn auth = new AuthStandIn(this.api);

	private final WorkLog work = new WorkLog(Duration.ofMillis(100));

	private final List<Replica> replicas = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.replicas.forEach(Replica::close);
		this.api.close();
	}

	@Test
	void aUserAllowedToUpdateTheLeaseMovesLeadership() {
		Replica leader = start("replica-a");
		Replica follower = start("replica-b");
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "update", "coordination.k8s.io", "leases", "default",
				"test-lease");

		Http.Response moved = Http.post(leader.management() + "/actuator/leadership", bearer(token));

		assertThat(moved.status()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(10)).until(() -> follower.elector().leadership().leader());
		assertThat(leader.isRunning()).isTrue();
		this.work.assertNoOverlap();
	}

	@Test
	void aUserAllowedToUpdateTheLeaseTheRolePathNamesMovesThatRole() {
		Replica leader = start("replica-a");
		Replica follower = start("replica-b");
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "update", "coordination.k8s.io", "leases", "default",
				"test-lease");

		Http.Response moved = Http.post(leader.management() + "/actuator/leadership/test-lease", bearer(token));

		assertThat(moved.status()).isEqualTo(202);
		assertThat((String) moved.json("$.role")).isEqualTo("test-lease");
		await().atMost(Duration.ofSeconds(10)).until(() -> follower.elector().leadership().leader());
		this.work.assertNoOverlap();
	}

	@Test
	void aUserAllowedToDeleteThePodShutsTheReplicaDown() {
		Replica leader = start("replica-a");
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "delete", "", "pods", "default", "replica-a");

		assertThat(Http.post(leader.management() + "/actuator/shutdown", bearer(token)).status()).isEqualTo(200);

		await().atMost(Duration.ofSeconds(10)).until(() -> !leader.isRunning());
		assertThat(this.api.firstRelease()).isPresent();
	}

	@Test
	void whenTheReviewsFailTheCallIsRefusedWith503AndAFailureIsNotKept() {
		Replica leader = start("replica-a");
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "update", "coordination.k8s.io", "leases", "default",
				"test-lease");
		String leadership = leader.management() + "/actuator/leadership";

		this.api.refuse((path) -> path.startsWith(AuthStandIn.TOKEN_REVIEWS));
		Http.Response tokenReviewFailed = Http.post(leadership, bearer(token));
		assertThat(tokenReviewFailed.status()).isEqualTo(503);
		assertThat((String) tokenReviewFailed.json("$.message")).isEqualTo("Cannot check the caller, so the call is "
				+ "refused: the Kubernetes API answered the TokenReview with HTTP 500; try again later");

		this.api.refuse((path) -> path.startsWith(AuthStandIn.ACCESS_REVIEWS));
		Http.Response accessReviewFailed = Http.post(leadership, bearer(token));
		assertThat(accessReviewFailed.status()).isEqualTo(503);
		assertThat((String) accessReviewFailed.json("$.message")).contains("answered the SubjectAccessReview with "
				+ "HTTP 500");

		// RBAC without system:auth-delegator
		this.api.refuse((path) -> false);
		this.api.forbid((path) -> path.startsWith(AuthStandIn.TOKEN_REVIEWS));
		Http.Response notDelegated = Http.post(leadership, bearer(token));
		assertThat(notDelegated.status()).isEqualTo(503);
		assertThat((String) notDelegated.json("$.message")).isEqualTo("Cannot check the caller, so the call is "
				+ "refused: this replica may not create tokenreviews (bind its ServiceAccount to the ClusterRole "
				+ "system:auth-delegator)");

		throughout(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> leader.elector().leadership().leader());
		assertThat(this.api.firstRelease()).isEmpty();

		// the API answers again: the same token is reviewed again at once, not refused from memory
		this.api.forbid((path) -> false);
		assertThat(Http.post(leadership, bearer(token)).status()).isEqualTo(202);
	}

	@Test
	void whenTheApiServerCannotBeReachedTheCallIsRefusedWith503() {
		Replica leader = start("replica-a");
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "delete", "", "pods", "default", "replica-a");

		this.api.close();
		Http.Response refused = Http.post(leader.management() + "/actuator/shutdown", bearer(token));

		assertThat(refused.status()).isEqualTo(503);
		assertThat((String) refused.json("$.message")).isEqualTo("Cannot check the caller, so the call is refused: "
				+ "the Kubernetes API did not answer the TokenReview; try again later");
		throughout(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(leader::isRunning);
	}

	@Test
	void aReviewTheApiServerDoesNotAnswerInTimeIsRefusedWith503WithinSeconds() {
		Replica leader = start("replica-a");
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "delete", "", "pods", "default", "replica-a");
		this.api.delay((request) -> request.path().startsWith(AuthStandIn.TOKEN_REVIEWS) ? Duration.ofSeconds(30)
				: Duration.ZERO);

		long start = System.nanoTime();
		Http.Response refused = Http.post(leader.management() + "/actuator/shutdown", bearer(token));

		assertThat(refused.status()).isEqualTo(503);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
		throughout(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(leader::isRunning);
	}

	private Replica start(String name) {
		Replica replica = Replica.start(name, this.api.url(), this.work, AuthStandIn.KUBERNETES_MODE);
		this.replicas.add(replica);
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().holder() != null);
		return replica;
	}

}
