package com.example.testleader.election;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.example.testleader.deploy.Manifests;
import com.example.testleader.deploy.ServiceAccountAccess;
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
	void theRealApiServerAcceptedEveryManifest() throws IOException {
		assertThat(admin.apps().deployments().inNamespace("default").withName("test-leader").get()).isNotNull();
		assertThat(admin.network().v1().networkPolicies().inNamespace("default").withName("test-leader").get())
			.isNotNull();
		assertThat(admin.policy().v1().podDisruptionBudget().inNamespace("default").withName("test-leader").get())
			.isNotNull();
		assertThat(admin.services().inNamespace("default").withName("test-leader-management").get()).isNotNull();
		// every object of every manifest, the RBAC ones (the ClusterRoleBinding among them) too
		for (Path manifest : Manifests.files()) {
			try (InputStream in = Files.newInputStream(manifest)) {
				for (HasMetadata object : admin.load(in).items()) {
					assertThat(admin.resource(object).inNamespace("default").get())
						.as("%s %s of %s", object.getKind(), object.getMetadata().getName(), manifest)
						.isNotNull();
				}
			}
		}
	}

	/**
	 * What k8s/rbac.yaml and k8s/rbac-auth-delegator.yaml grant, as the real authorizer
	 * decides it: what the service does and nothing else ({@link ServiceAccountAccess}, which
	 * {@code ServiceAccountAccessTest} holds to the manifests in every build): its Lease;
	 * list and watch of pods (early takeover, the balance of roles), never a read by name or
	 * a write; core Events created; the two reviews of the operator endpoints.
	 */
	@Test
	void theServiceAccountMayDoWhatTheServiceDoesAndNothingElse() {
		List<String> wrong = new ArrayList<>();
		for (ServiceAccountAccess.Request request : ServiceAccountAccess.expected()) {
			if (allowed(request) != request.allowed()) {
				wrong.add(request.toString());
			}
		}
		assertThat(wrong).as("answered otherwise by the real authorizer").isEmpty();
	}

	private static boolean allowed(ServiceAccountAccess.Request request) {
		SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
			.withUser(ServiceAccountAccess.USER)
			.withGroups("system:serviceaccounts", "system:serviceaccounts:" + ServiceAccountAccess.NAMESPACE,
					"system:authenticated")
			.withNewResourceAttributes()
			.withNamespace(request.namespace())
			.withGroup(request.group())
			.withResource(request.resourceOnly())
			.withSubresource(request.subresource())
			.withVerb(request.verb())
			.withName(request.name())
			.endResourceAttributes()
			.endSpec()
			.build();
		return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
	}

}
