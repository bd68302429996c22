package com.example.testleader.operator;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;

import com.example.testleader.Replica;
import com.example.testleader.local.LocalKubernetesApi;

/**
 * Stands in for the API server's authenticator and RBAC authorizer, which the in-process
 * API does not have: answers {@code TokenReview}s and {@code SubjectAccessReview}s
 * (expectations, which take precedence over its CRUD) from a table of tokens and grants.
 */
final class AuthStandIn {

	static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

	static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

	/** Properties of a replica serving HTTP whose operator endpoints check callers with the API. */
	static final String[] KUBERNETES_MODE = Stream
		.concat(Arrays.stream(Replica.WEB), Stream.of("test-leader.operator.auth=kubernetes"))
		.toArray(String[]::new);

	private final Map<String, UserInfo> tokens = new ConcurrentHashMap<>();

	private final Set<List<String>> grants = ConcurrentHashMap.newKeySet();

	AuthStandIn(LocalKubernetesApi api) {
		api.server().expect().post().withPath(TOKEN_REVIEWS).andReply(201, this::reviewToken).always();
		api.server().expect().post().withPath(ACCESS_REVIEWS).andReply(201, this::reviewAccess).always();
	}

	/** A new token of a ServiceAccount, as {@code kubectl create token} gives one. */
	String serviceAccountToken(String namespace, String name) {
		String token = "eyJ" + UUID.randomUUID();
		this.tokens.put(token, new UserInfo(Map.of("authentication.kubernetes.io/pod-name", List.of("-")),
				List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"),
				UUID.randomUUID().toString(), user(namespace, name)));
		return token;
	}

	static String user(String namespace, String serviceAccount) {
		return "system:serviceaccount:" + namespace + ":" + serviceAccount;
	}

	/** What a RoleBinding would grant {@code user}: one verb on one named object. */
	void allow(String user, String verb, String group, String resource, String namespace, String name) {
		this.grants.add(List.of(user, verb, group, resource, namespace, name));
	}

	/** The header of a call with {@code token}, for {@code Http.post}. */
	static String[] bearer(String token) {
		return new String[] { "Authorization", "Bearer " + token };
	}

	private Object reviewToken(RecordedRequest request) {
		TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
		UserInfo user = this.tokens.get(review.getSpec().getToken());
		review.setStatus((user != null)
				? new TokenReviewStatusBuilder().withAuthenticated(true)
					.withUser(user)
					.withAudiences("https://kubernetes.default.svc.cluster.local")
					.build()
				: new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build());
		return review;
	}

	private Object reviewAccess(RecordedRequest request) {
		SubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
		ResourceAttributes asked = review.getSpec().getResourceAttributes();
		// the core group is "", which the client may leave out
		boolean allowed = asked != null && this.grants.contains(Arrays.asList(review.getSpec().getUser(),
				asked.getVerb(), Objects.toString(asked.getGroup(), ""), asked.getResource(), asked.getNamespace(),
				asked.getName()));
		review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed)
			.withReason(allowed ? "RBAC: allowed by RoleBinding \"operators/default\"" : "")
			.build());
		return review;
	}

}
