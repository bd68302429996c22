package com.example.testleader.election.wiring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains, at start-up, how to give the service an API server. */
class NoKubernetesApiFailureAnalyzer extends AbstractFailureAnalyzer<NoKubernetesApiException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoKubernetesApiException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Run it in a pod, or point it at an API server: start it with "
						+ "--spring.main.cloud-platform=kubernetes and KUBERNETES_MASTER (or a kubeconfig), and set "
						+ "POD_NAME and POD_NAMESPACE. To try it without a cluster, run ./mvnw spring-boot:test-run, "
						+ "which starts an in-process Kubernetes API.",
				cause);
	}

}
