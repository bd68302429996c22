package com.example.testleader.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.junit.jupiter.api.Test;

import com.example.testleader.deploy.ServiceAccountAccess.Request;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expectations the k3s suite checks against a real authorizer
 * ({@link ServiceAccountAccess}) hold for the manifests as Kubernetes' RBAC reads them:
 * the Roles bound to the ServiceAccount apply in their namespace, the ClusterRoles bound
 * cluster-wide apply everywhere; a rule matches a request by API group, resource (with its
 * subresource), verb, and, where it names some, the object's name.
 */
class ServiceAccountAccessTest {

	/**
	 * Kubernetes' bootstrap ClusterRole {@code system:auth-delegator}, which the manifests
	 * bind but do not define.
	 */
	private static final List<PolicyRule> AUTH_DELEGATOR = List.of(
			new PolicyRuleBuilder().withApiGroups("authentication.k8s.io")
				.withResources("tokenreviews")
				.withVerbs("create")
				.build(),
			new PolicyRuleBuilder().withApiGroups("authorization.k8s.io")
				.withResources("subjectaccessreviews")
				.withVerbs("create")
				.build());

	@Test
	void theManifestsGrantExactlyWhatTheK3sSuiteExpects() throws IOException {
		List<HasMetadata> manifests = Manifests.all();
		List<String> wrong = new ArrayList<>();
		for (Request request : ServiceAccountAccess.expected()) {
			if (allowed(manifests, request) != request.allowed()) {
				wrong.add(request.toString());
			}
		}
		assertThat(wrong).as("expected by the k3s suite, but not what the manifests grant").isEmpty();
	}

	private static boolean allowed(List<HasMetadata> manifests, Request request) {
		List<PolicyRule> rules = new ArrayList<>();
		if (request.namespace() != null && request.namespace().equals(ServiceAccountAccess.NAMESPACE)) {
			manifests.stream()
				.filter(RoleBinding.class::isInstance)
				.map(RoleBinding.class::cast)
				.filter((binding) -> bindsTheServiceAccount(binding.getSubjects()))
				.forEach((binding) -> rules.addAll(rulesOf(manifests, binding.getRoleRef())));
		}
		manifests.stream()
			.filter(ClusterRoleBinding.class::isInstance)
			.map(ClusterRoleBinding.class::cast)
			.filter((binding) -> bindsTheServiceAccount(binding.getSubjects()))
			.forEach((binding) -> rules.addAll(rulesOf(manifests, binding.getRoleRef())));
		return rules.stream().anyMatch((rule) -> matches(rule, request));
	}

	private static boolean bindsTheServiceAccount(List<Subject> subjects) {
		return subjects != null && subjects.stream()
			.anyMatch((subject) -> "ServiceAccount".equals(subject.getKind()) && "test-leader".equals(subject.getName())
					&& (subject.getNamespace() == null
							|| ServiceAccountAccess.NAMESPACE.equals(subject.getNamespace())));
	}

	private static List<PolicyRule> rulesOf(List<HasMetadata> manifests, RoleRef ref) {
		if (ref.getKind().equals("ClusterRole") && ref.getName().equals("system:auth-delegator")) {
			return AUTH_DELEGATOR;
		}
		Class<? extends HasMetadata> kind = ref.getKind().equals("Role") ? Role.class : ClusterRole.class;
		HasMetadata role = manifests.stream()
			.filter(kind::isInstance)
			.filter((object) -> object.getMetadata().getName().equals(ref.getName()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(ref.getKind() + " " + ref.getName() + " is bound but not in k8s/"));
		return (role instanceof Role r) ? r.getRules() : ((ClusterRole) role).getRules();
	}

	private static boolean matches(PolicyRule rule, Request request) {
		return anyOf(rule.getApiGroups(), request.group()) && anyOf(rule.getResources(), request.resource())
				&& anyOf(rule.getVerbs(), request.verb()) && (rule.getResourceNames() == null
						|| rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(request.name()));
	}

	private static boolean anyOf(List<String> values, String value) {
		return values != null && (values.contains(value) || values.contains("*"));
	}

}
