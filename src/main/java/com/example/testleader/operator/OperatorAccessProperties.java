package com.example.testleader.operator;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Who may call the write operations of the actuator endpoints ({@code POST
 * /actuator/shutdown}, {@code POST /actuator/leadership}). Reads stay open.
 *
 * <p>
 * A value other than {@code kubernetes} or {@code loopback} stops start-up; Spring Boot's
 * binder names the property and lists the valid values.
 *
 * @param auth {@code kubernetes}: a bearer token that a TokenReview accepts, of a user
 * that a SubjectAccessReview allows the equivalent on the real object; {@code loopback}:
 * any caller connected over the loopback interface, and no one else. Unset means
 * {@code kubernetes} in a pod and {@code loopback} elsewhere (see {@link #effectiveAuth})
 */
@ConfigurationProperties("test-leader.operator")
record OperatorAccessProperties(Auth auth) {

	static final String PROPERTY = "test-leader.operator.auth";

	enum Auth {

		KUBERNETES, LOOPBACK

	}

	/**
	 * The configured mode or, unset, {@code kubernetes} when the kubelet gave this
	 * process {@code KUBERNETES_SERVICE_HOST} (it does in every pod), else
	 * {@code loopback}. Not Spring's Kubernetes platform detection: the local mode sets
	 * {@code spring.main.cloud-platform=kubernetes} without a cluster. In a pod, loopback
	 * would be no protection: {@code kubectl port-forward} and mesh sidecars connect over
	 * the pod's loopback interface.
	 */
	Auth effectiveAuth(Environment environment) {
		if (this.auth != null) {
			return this.auth;
		}
		return StringUtils.hasText(environment.getProperty("KUBERNETES_SERVICE_HOST")) ? Auth.KUBERNETES
				: Auth.LOOPBACK;
	}

}
