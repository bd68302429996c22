package com.example.testleader.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
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

	/**
	 * {@code POST /actuator/handover {"to": ...}} hands leadership to the replica it names, not to whoever is
	 * first: with two followers, the one named runs the work next, and the other never
	 * leads. The move is counted as a request on the replica that gave it up.
	 */
	@Test
	void aUserAllowedToUpdateTheLeaseHandsLeadershipToTheReplicaItNames() {
		Replica leader = start("replica-a");
		Replica other = start("replica-b");
		Replica named = start("replica-c");
		String token = allowedToUpdateTheLease();

		Http.Response moved = Http.postJson(leader.management() + "/actuator/handover/test-lease",
				"{\"to\":\"replica-c\"}", bearer(token));

		assertThat(moved.status()).isEqualTo(202);
		assertThat((String) moved.json("$.to")).isEqualTo("replica-c");
		await().atMost(Duration.ofSeconds(10)).until(() -> named.elector().leadership().leader());
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.work.runsOf("replica-c").isEmpty());
		assertThat(this.work.runsOf("replica-b")).isEmpty();
		assertThat(other.elector().leadership().leader()).isFalse();
		assertThat(moves(leader, "request")).isEqualTo(1);
		assertThat(moves(leader, "balance")).isZero();
		this.work.assertNoOverlap();
	}

	/**
	 * A named replica that does not accept (here: one that left the election, and a name no
	 * replica has) leaves leadership where it is: 409 with the reason, the Lease never
	 * released, the leader working throughout.
	 */
	@Test
	void aNamedReplicaThatDoesNotAcceptLeavesLeadershipWhereItIs() {
		Replica leader = start("replica-a");
		Replica leaving = start("replica-b");
		leaving.elector().leave().join();
		String token = allowedToUpdateTheLease();

		for (String to : List.of("replica-b", "replica-x")) {
			Http.Response refused = Http.postJson(leader.management() + "/actuator/handover",
					"{\"to\":\"" + to + "\"}", bearer(token));

			assertThat(refused.status()).as(to).isEqualTo(409);
			assertThat((String) refused.json("$.message")).isEqualTo(to + " did not accept leadership of test-lease "
					+ "in time: it is not ready, does not compete for the role, or cannot reach the API server; this "
					+ "replica still leads");
		}
		throughout(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
			.until(() -> leader.elector().leadership().leader());
		assertThat(this.api.firstRelease()).isEmpty();
		assertThat(moves(leader, "request")).isZero();
	}

	@Test
	void aHandOverNamingThisReplicaOrNoneIsRefusedAtOnce() {
		Replica leader = start("replica-a");
		start("replica-b");
		String token = allowedToUpdateTheLease();
		String handover = leader.management() + "/actuator/handover";

		Http.Response self = Http.postJson(handover, "{\"to\":\"" + leader.elector().identity() + "\"}",
				bearer(token));
		assertThat(self.status()).isEqualTo(409);
		assertThat((String) self.json("$.message")).startsWith("\"to\" names this replica");
		Http.Response blank = Http.postJson(handover, "{\"to\":\" \"}", bearer(token));
		assertThat(blank.status()).isEqualTo(400);
		assertThat((String) blank.json("$.message")).isEqualTo("\"to\" names no replica");
		Http.Response notAPodName = Http.postJson(handover, "{\"to\":\"Replica B!\"}", bearer(token));
		assertThat(notAPodName.status()).isEqualTo(400);
		assertThat((String) notAPodName.json("$.message")).startsWith("\"to\" must name a replica by its pod name");

		assertThat(leader.elector().leadership().leader()).isTrue();
		assertThat(this.api.firstRelease()).isEmpty();
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

	private String allowedToUpdateTheLease() {
		String token = this.auth.serviceAccountToken("ops", "alice");
		this.auth.allow(AuthStandIn.user("ops", "alice"), "update", "coordination.k8s.io", "leases", "default",
				"test-lease");
		return token;
	}

	private static double moves(Replica replica, String reason) {
		return replica.context()
			.getBean(MeterRegistry.class)
			.counter("leader.election.moves", "name", "test-lease", "reason", reason)
			.count();
	}

	private Replica start(String name) {
		Replica replica = Replica.start(name, this.api.url(), this.work, AuthStandIn.KUBERNETES_MODE);
		this.replicas.add(replica);
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().holder() != null);
		return replica;
	}

}
