package com.example.testleader.election;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.example.testleader.deploy.Manifests;
import com.example.testleader.k3s.K3sCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LeaseElectionScenarios} against a real API server (k3s in Docker). Every manifest
 * of {@code k8s/} is applied first (the real API server validates them; the Deployment's
 * pods cannot pull an image here and never run), and every candidate acts as the
 * manifests' ServiceAccount (impersonation): the real authorizer proves that the Role is
 * enough, and the access reviews below that it grants nothing else. Running the three pods
 * themselves needs an image, which needs Docker to build; that is left to a kind cluster
 * (see the README). Through TLS the fault proxy cannot forge an HTTP 503, so there the
 * "503" scenario cuts the TLS stream instead, another failure of the same kind.
 */
@EnabledIf(value = "com.example.testleader.k3s.K3sCluster#dockerAvailable", disabledReason = K3sCluster.SKIP_REASON)
class LeaseElectionK3sIT extends LeaseElectionScenarios {

	private static final String USER = "system:serviceaccount:default:test-leader";

	private static KubernetesClient admin;

	@BeforeAll
	static void applyTheManifests() throws IOException {
		for (Path manifest : Manifests.files()) {
			K3sCluster.apply(manifest, "default");
		}
		admin = K3sCluster.adminClient();
	}

	@AfterAll
	static void disconnect() {
		admin.close();
	}

	@Override
	protected Config api() {
		return K3sCluster.as("default", "test-leader");
	}

	@Override
	protected KubernetesClient admin() {
		return admin;
	}

	/** Each scenario starts without a Lease. */
	@Override
	protected void afterScenario() {
		admin.leases().inNamespace("default").withName("test-lease").delete();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> admin.leases().inNamespace("default").withName("test-lease").get() == null);
	}

	@Test
	void theRealApiServerAcceptedEveryManifest() {
		assertThat(admin.apps().deployments().inNamespace("default").withName("test-leader").get()).isNotNull();
		assertThat(admin.network().v1().networkPolicies().inNamespace("default").withName("test-leader").get())
			.isNotNull();
		assertThat(admin.policy().v1().podDisruptionBudget().inNamespace("default").withName("test-leader").get())
			.isNotNull();
		assertThat(admin.services().inNamespace("default").withName("test-leader-management").get()).isNotNull();
	}

	@Test
	void theServiceAccountMayUseTheLeaseAndNothingElse() {
		assertThat(allowed("coordination.k8s.io", "leases", "get", "test-lease")).isTrue();
		assertThat(allowed("coordination.k8s.io", "leases", "watch", "test-lease")).isTrue();
		assertThat(allowed("coordination.k8s.io", "leases", "get", "another-lease")).isFalse();
		assertThat(allowed("coordination.k8s.io", "leases", "delete", "test-lease")).isFalse();
		assertThat(allowed("coordination.k8s.io", "leases", "patch", "test-lease")).isFalse();
		assertThat(allowed("", "pods", "list", null)).isFalse();
		assertThat(allowed("", "configmaps", "get", "leaders")).isFalse();
	}

	private static boolean allowed(String group, String resource, String verb, String name) {
		SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
			.withUser(USER)
			.withGroups("system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated")
			.withNewResourceAttributes()
			.withNamespace("default")
			.withGroup(group)
			.withResource(resource)
			.withVerb(verb)
			.withName(name)
			.endResourceAttributes()
			.endSpec()
			.build();
		return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
	}

}
