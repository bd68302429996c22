package com.example.testleader.election;

import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;




/**
 * How this replica competes for the Lease. The timing rules are client-go's: every
 * duration positive, {@code lease-duration > renew-deadline > 1.2 × retry-period}.
 *
 * @param leaseName name of the {@code coordination.k8s.io/v1} Lease of the default role
 * (the Spring Integration role), for work that names no role of its own
 * @param namespace namespace of the Lease; unset means POD_NAMESPACE, else the client's
 * namespace (service account file or kubeconfig), else {@code default}
 * @param identity this replica's name in the holder identity; unset means POD_NAME, else
 * the host name. A per-process suffix is always appended (see {@link PodIdentity})
 * @param leaseDuration how long followers wait, after they last saw the Lease change,
 * before they take it over; written into the Lease in whole seconds
 * @param renewDeadline how long the leader keeps leading without a successful renewal
 * @param retryPeriod how often the leader renews and followers try to acquire
 */
@ConfigurationProperties("test-leader.election")
public record LeaderElectionProperties(@DefaultValue("test-lease") String leaseName, String namespace, String identity,
		@DefaultValue("15s") Duration leaseDuration, @DefaultValue("10s") Duration renewDeadline,
		@DefaultValue("2s") Duration retryPeriod) {

	private static final String PREFIX = "test-leader.election.";

	/** Internal: for the election's own packages (a namespace or container name). */
	public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

	/** Internal: for the election's own packages (a pod's name). */
	public static final Pattern DNS_SUBDOMAIN = Pattern
		.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

	public LeaderElectionProperties {
		requireValidLeaseName(PREFIX + "lease-name", leaseName);
		if (namespace != null && (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches())) {
			throw invalid("namespace", namespace, "must be a valid namespace name (RFC 1123 label)");
		}
		if (identity != null && identity.isBlank()) {
			throw invalid("identity", identity, "must not be blank; leave it unset to use POD_NAME or the host name");
		}
		requirePositive("lease-duration", leaseDuration);
		requirePositive("renew-deadline", renewDeadline);
		requirePositive("retry-period", retryPeriod);
		if (leaseDuration.toMillis() % 1000 != 0) {
			throw invalid("lease-duration", leaseDuration, "must be a whole number of seconds: the Lease stores it "
					+ "as leaseDurationSeconds");
		}
		if (leaseDuration.compareTo(renewDeadline) <= 0) {
			throw invalid("lease-duration", leaseDuration,
					"must be greater than " + PREFIX + "renew-deadline (" + renewDeadline + ")");
		}
		if (renewDeadline.toNanos() <= retryPeriod.toNanos() * 1.2) {
			throw invalid("renew-deadline", renewDeadline,
					"must be greater than 1.2 × " + PREFIX + "retry-period (" + retryPeriod + ")");
		}
	}

	/**
	 * The time between the leader's revocation (at the renew deadline) and the earliest
	 * moment another replica may take the Lease: the budget for stopping the work.
	 */
	public Duration stopMargin() {
		return this.leaseDuration.minus(this.renewDeadline);
	}

	/**
	 * Refuses a name that cannot name a Lease (a role's, the default role's).
	 * <p>
	 * Internal: for the election's own packages; the application calls
	 * {@code roles.ElectedRoles.requireValidName}.
	 * @param source where the name came from (a property, a bean), for the message
	 */
	public static void requireValidLeaseName(String source, String name) {
		if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
			throw new IllegalArgumentException(source + " must be a valid Kubernetes name (lower-case letters, "
					+ "digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters) "
					+ "(was '" + name + "')");
		}
	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw invalid(property, value, "must be positive");
		}
	}

	private static IllegalArgumentException invalid(String property, Object value, String rule) {
		return new IllegalArgumentException(PREFIX + property + " " + rule + " (was '" + value + "')");
	}

}
