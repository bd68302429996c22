package com.example.testleader.operator;

import java.util.Optional;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import org.springframework.util.StringUtils;

/**
 * The operator checks' only access to the API server: a {@code TokenReview}
 * (authentication.k8s.io/v1) and a {@code SubjectAccessReview} (authorization.k8s.io/v1),
 * as controller-runtime makes them for its metrics endpoint. Both are creates of objects
 * the API server answers and never stores: {@code create} on {@code tokenreviews} and
 * {@code subjectaccessreviews} is all it needs (the built-in ClusterRole
 * {@code system:auth-delegator}).
 *
 * <p>
 * Each call is cut off by the client itself: its own client, with short request and
 * connection timeouts and no retries (fabric8 abandons a request a little after its
 * request timeout). An abandoned review that reaches the server later changes nothing.
 * Any failure reaches the caller as a {@link KubernetesClientException}, and the call it
 * was for is refused.
 */
final class AccessReviews implements AutoCloseable {

	private final KubernetesClient client;

	AccessReviews(KubernetesClient client) {
		this.client = client;
	}

	/**
	 * Who the token belongs to, or empty if the API server does not accept it (the
	 * default audience: the API server's own).
	 */
	Optional<UserInfo> authenticate(String token) {
		TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
		TokenReviewStatus status = withApplicationThreads(
				() -> this.client.authentication().v1().tokenReviews().create(review))
			.getStatus();
		if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null
				|| !StringUtils.hasText(status.getUser().getUsername())) {
			return Optional.empty();
		}
		return Optional.of(status.getUser());
	}

	/**
	 * Whether the authorizer allows {@code user} (with its groups, uid and extra, as the
	 * TokenReview gave them) the action's permission on its object.
	 */
	boolean allows(UserInfo user, OperatorAction action) {
		SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
			.withUser(user.getUsername())
			.withUid(user.getUid())
			.withGroups(user.getGroups())
			.withExtra(user.getExtra())
			.withResourceAttributes(action.resourceAttributes())
			.endSpec()
			.build();
		SubjectAccessReviewStatus status = withApplicationThreads(
				() -> this.client.authorization().v1().subjectAccessReview().create(review))
			.getStatus();
		return status != null && Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
	}

	/**
	 * Runs a call with the application's class loader as the thread's context loader: the
	 * first call is made on a request thread of the management server, whose loader the
	 * client's I/O threads would otherwise inherit, and the server would take them for its
	 * own leak when it stops (they are the client's, closed with it).
	 */
	private static <T> T withApplicationThreads(Supplier<T> call) {
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(AccessReviews.class.getClassLoader());
		try {
			return call.get();
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

}
