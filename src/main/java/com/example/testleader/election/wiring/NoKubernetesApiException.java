package com.example.testleader.election.wiring;

/** Thrown at start-up when no Kubernetes API server is configured. */
class NoKubernetesApiException extends RuntimeException {

	NoKubernetesApiException() {
		super("test-leader elects its leader through a Kubernetes Lease, but no Kubernetes API server is "
				+ "configured: the application is not running in Kubernetes and spring.main.cloud-platform is "
				+ "not 'kubernetes'.");
	}

}
