package com.example.testleader.local;

import java.net.URI;

/**
 * One replica of the local mode: its pod's name and its two ports.
 *
 * @param name the pod's name, and the prefix of the replica's output
 * @param port the application's port
 * @param managementPort actuator's port, where its readiness is probed
 */
record LocalReplica(String name, int port, int managementPort) {

	/** Replica {@code n} (from 1): {@code replica-n} on 8n80 and 8n81, beside the single replica's 8080/8081. */
	static LocalReplica numbered(int n) {
		return new LocalReplica("replica-" + n, 8080 + 100 * n, 8081 + 100 * n);
	}

	URI readiness() {
		return URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/readiness");
	}

}
