package com.example.testleader.election;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

import io.fabric8.kubernetes.client.Config;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where this replica runs and how it names itself in the Lease.
 *
 * <p>
 * The holder identity is the pod name plus a suffix drawn once per process, as large
 * operators do: a container restarted under the same pod name never mistakes the record
 * its previous incarnation wrote for its own, so it leads only after its own successful
 * write, and an operator still sees which pod holds the Lease.
 *
 * @param namespace namespace of the Lease
 * @param podName POD_NAME, the configured identity, or the host name
 * @param holderIdentity what this process writes into {@code spec.holderIdentity}
 * @param podUid POD_UID (downward API {@code metadata.uid}), or {@code null} outside a pod
 */
public record PodIdentity(String namespace, String podName, String holderIdentity, String podUid) {

	/** Internal: for the election's own packages (the wiring resolves it once). */
	public static PodIdentity resolve(LeaderElectionProperties properties, Environment environment, Config clientConfig) {
		String namespace = firstText(properties.namespace(), environment.getProperty("POD_NAMESPACE"),
				clientConfig.getNamespace(), "default");
		if (namespace.length() > 63 || !LeaderElectionProperties.DNS_LABEL.matcher(namespace).matches()) {
			throw new IllegalArgumentException("The Lease namespace '" + namespace + "' (from test-leader.election."
					+ "namespace, POD_NAMESPACE or the Kubernetes client) is not a valid namespace name");
		}
		String podName = firstText(properties.identity(), environment.getProperty("POD_NAME"),
				environment.getProperty("HOSTNAME"), localHostName());
		if (podName == null) {
			throw new IllegalArgumentException("No identity for this replica: set test-leader.election.identity or "
					+ "POD_NAME (the host name could not be resolved)");
		}
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		String podUid = environment.getProperty("POD_UID");
		return new PodIdentity(namespace, podName.strip(), podName.strip() + "_" + suffix,
				StringUtils.hasText(podUid) ? podUid.strip() : null);
	}

	/**
	 * The replica a holder identity names: the identity without its per-process suffix
	 * (the pod name, unless {@code test-leader.election.identity} says otherwise). A pod
	 * name cannot contain {@code _}, so the last one starts the suffix.
	 * <p>
	 * Internal: for the election's own packages.
	 */
	public static String replicaOf(String holderIdentity) {
		int suffix = holderIdentity.lastIndexOf('_');
		return (suffix > 0) ? holderIdentity.substring(0, suffix) : holderIdentity;
	}

	private static String firstText(String... candidates) {
		for (String candidate : candidates) {
			if (StringUtils.hasText(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static String localHostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

}
