package com.example.testleader.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;

/**
 * In a cluster: the caller presents a bearer token; a TokenReview says whose it is, and a
 * SubjectAccessReview whether that user may do the equivalent of the action on the real
 * object ({@link OperatorAction}). No token, or one the API server rejects: 401. A user
 * without the permission: 403. No answer from the API server: 503, the call refused
 * (fail closed). The decisions are kept for a short while ({@link ReviewCache}).
 *
 * <p>
 * The token is never logged, kept or put in a message; only its SHA-256 hash is kept, as
 * the cache's key.
 */
final class KubernetesAccess implements OperatorAccess {

	private static final Logger log = LoggerFactory.getLogger(KubernetesAccess.class);

	private static final String NO_TOKEN = "No bearer token: send a Kubernetes token as 'Authorization: Bearer "
			+ "<token>', for example from 'kubectl create token <service-account>'";

	private static final String REJECTED = "The bearer token was not accepted: the Kubernetes API (TokenReview) "
			+ "found it invalid or expired";

	private final AccessReviews reviews;

	private final ReviewCache cache;

	KubernetesAccess(AccessReviews reviews, ReviewCache cache) {
		this.reviews = reviews;
		this.cache = cache;
	}

	@Override
	public Decision check(HttpServletRequest request, OperatorAction action) {
		if (!action.mapped()) {
			return Decision.forbidden("No one may " + action.what() + ": no Kubernetes permission stands for it ("
					+ OperatorAccessProperties.PROPERTY + "=kubernetes)");
		}
		String token = bearerToken(request);
		if (token == null) {
			return Decision.unauthenticated(NO_TOKEN);
		}
		ReviewCache.Key key = new ReviewCache.Key(sha256(token), action);
		Decision cached = this.cache.get(key);
		if (cached != null) {
			return cached;
		}
		Decision decision = review(token, action);
		if (decision.decided()) {
			this.cache.put(key, decision);
		}
		return decision;
	}

	private Decision review(String token, OperatorAction action) {
		Optional<UserInfo> user;
		try {
			user = this.reviews.authenticate(token);
		}
		catch (RuntimeException ex) {
			return cannotCheck(action, "TokenReview", "tokenreviews", ex);
		}
		if (user.isEmpty()) {
			log.debug("Refused to {}: the TokenReview did not accept the token", action.what());
			return Decision.unauthenticated(REJECTED);
		}
		String name = user.get().getUsername();
		boolean allowed;
		try {
			allowed = this.reviews.allows(user.get(), action);
		}
		catch (RuntimeException ex) {
			return cannotCheck(action, "SubjectAccessReview", "subjectaccessreviews", ex);
		}
		if (!allowed) {
			log.info("Refused to {} for {}: not allowed to {}", action.what(), name, action.permission());
			return Decision.forbidden(name + " may not " + action.what() + ": that takes permission to "
					+ action.permission() + " (kubectl auth can-i " + action.permission() + " --as " + name + ")");
		}
		return Decision.allow(name);
	}

	private static Decision cannotCheck(OperatorAction action, String review, String resource, RuntimeException ex) {
		int code = (ex instanceof KubernetesClientException client) ? client.getCode() : 0;
		log.warn("Refused to {}: the {} failed: {}", action.what(), review, ex.toString());
		if (code == 403) {
			return Decision.cannotCheck("Cannot check the caller, so the call is refused: this replica may not create "
					+ resource + " (bind its ServiceAccount to the ClusterRole system:auth-delegator)");
		}
		return Decision.cannotCheck("Cannot check the caller, so the call is refused: the Kubernetes API "
				+ ((code > 0) ? "answered the " + review + " with HTTP " + code : "did not answer the " + review)
				+ "; try again later");
	}

	/** The token of an {@code Authorization: Bearer} header, else {@code null}. */
	static String bearerToken(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		String token = header.substring(7).strip();
		return (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) ? null : token;
	}

	private static String sha256(String token) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	@Override
	public void close() {
		this.reviews.close();
	}

}
