package com.example.testleader.operator;

import java.time.Duration;
import java.util.Map;

import com.example.testleader.election.Leadership;
import com.example.testleader.election.Ticker;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.operator.OperatorAccessProperties.Auth;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Guards the operator endpoints ({@link OperatorAccessAdvisor}) in the mode that
 * {@code test-leader.operator.auth} names or, unset, the one that fits where the process
 * runs ({@link OperatorAccessProperties#effectiveAuth}). In {@code kubernetes} mode the
 * objects the permissions are checked on must be known at start-up: the Lease the
 * elector competes for, and this Pod (POD_NAME in POD_NAMESPACE); without them start-up
 * fails rather than guard with a permission on some other object.
 */
@Configuration(proxyBeanMethods = false)
class OperatorAccessConfiguration {

	private static final Logger log = LoggerFactory.getLogger(OperatorAccessConfiguration.class);

	/** Per review; fabric8 gives up a little after it, and an operator is answered 503. */
	static final Duration REVIEW_TIMEOUT = Duration.ofSeconds(2);

	/** How long a decision of the API server is reused for the same token and action. */
	static final Duration DECISIONS_KEPT = Duration.ofSeconds(10);

	private static final int CACHE_CAPACITY = 1024;

	private static final String KUBERNETES = OperatorAccessProperties.PROPERTY + "=kubernetes";

	@Bean
	OperatorAccessAdvisor operatorAccessAdvisor(OperatorAccessProperties properties, Environment environment,
			ObjectProvider<Config> kubernetesConfig, Electors electors) {
		Auth auth = properties.effectiveAuth(environment);
		String why = (properties.auth() != null) ? "" : (auth == Auth.KUBERNETES) ? ", running in a pod"
				: ", not running in a pod";
		if (auth == Auth.LOOPBACK) {
			log.info("Operator endpoints (POST /actuator/shutdown, /actuator/leadership, /actuator/handover) are open "
					+ "to callers on this machine only ({}=loopback{})", OperatorAccessProperties.PROPERTY, why);
			return new OperatorAccessAdvisor(auth, Map.of(), new LoopbackAccess());
		}
		Config config = kubernetesConfig.getIfAvailable();
		if (config == null) {
			throw new IllegalStateException(KUBERNETES + " checks callers with the Kubernetes API, but none is "
					+ "configured: run in a pod, or set spring.main.cloud-platform=kubernetes and point it at one");
		}
		Leadership lease = electors.primary().leadership();
		OperatorAction move = OperatorAction.moveLeadership(lease.namespace(), lease.leaseName());
		Map<EndpointId, OperatorAction> actions = Map.of(EndpointId.of("leadership"), move,
				EndpointId.of("handover"), move, EndpointId.of("shutdown"),
				OperatorAction.shutDown(podNamespace(environment, config), podName(environment)));
		log.info("Operator endpoints need a bearer token of a user allowed to {} (POST /actuator/leadership, "
				+ "/actuator/handover) or to {} (POST /actuator/shutdown) ({}{})", actions.get(EndpointId.of("leadership")).permission(),
				actions.get(EndpointId.of("shutdown")).permission(), KUBERNETES, why);
		ReviewCache decisions = new ReviewCache(DECISIONS_KEPT, CACHE_CAPACITY, Ticker.SYSTEM);
		return new OperatorAccessAdvisor(auth, actions,
				new KubernetesAccess(new AccessReviews(reviewClient(config)), decisions));
	}

	private static String podName(Environment environment) {
		String pod = environment.getProperty("POD_NAME");
		if (!StringUtils.hasText(pod)) {
			throw new IllegalStateException(KUBERNETES + " lets whoever may delete this Pod shut it down, but POD_NAME "
					+ "is not set: give it from the downward API (fieldPath metadata.name), or set "
					+ OperatorAccessProperties.PROPERTY + "=loopback outside a cluster");
		}
		return pod.strip();
	}

	/** POD_NAMESPACE, else the client's namespace (in a pod: the service account's). */
	private static String podNamespace(Environment environment, Config config) {
		String namespace = environment.getProperty("POD_NAMESPACE");
		if (StringUtils.hasText(namespace)) {
			return namespace.strip();
		}
		if (StringUtils.hasText(config.getNamespace())) {
			return config.getNamespace();
		}
		throw new IllegalStateException(KUBERNETES + " lets whoever may delete this Pod shut it down, but neither "
				+ "POD_NAMESPACE nor the Kubernetes client names its namespace: give POD_NAMESPACE from the downward "
				+ "API (fieldPath metadata.namespace)");
	}

	/**
	 * The reviews' own client, built from the shared configuration: short timeouts and no
	 * retries, so that an operator is answered within seconds whatever the API server does.
	 */
	static KubernetesClient reviewClient(Config shared) {
		int millis = Math.toIntExact(REVIEW_TIMEOUT.toMillis());
		Config config = new ConfigBuilder(shared).withRequestRetryBackoffLimit(0)
			.withRequestTimeout(millis)
			.withConnectionTimeout(millis)
			.build();
		return new KubernetesClientBuilder().withConfig(config).build();
	}

}
