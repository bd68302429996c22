package com.example.testleader.election.wiring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import com.example.testleader.election.LeaderElectionProperties;


/**
 * Taking the Lease before it expires, on the kubelet's proof that its holder's process is
 * gone ({@link com.example.testleader.election.takeover.ProcessGone}). It needs the pod's UID (POD_UID, from the downward API) and
 * {@code get}, {@code list}, {@code watch} on pods; without either, replicas wait out the
 * lease as before.
 *
 * @param enabled whether followers look for the proof at all
 * @param podSelector label selector of this application's pods, which followers watch
 * @param container name of this application's container in its pod
 */
@ConfigurationProperties("test-leader.election.early-takeover")
public record EarlyTakeoverProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("app.kubernetes.io/name=test-leader") String podSelector,
		@DefaultValue("test-leader") String container) {

	private static final String PREFIX = "test-leader.election.early-takeover.";

	public EarlyTakeoverProperties {
		if (podSelector == null || podSelector.isBlank() || !podSelector.contains("=")) {
			throw new IllegalArgumentException(PREFIX + "pod-selector must be a label selector such as "
					+ "'app.kubernetes.io/name=test-leader' (was '" + podSelector + "')");
		}
		if (container == null || !LeaderElectionProperties.DNS_LABEL.matcher(container).matches()) {
			throw new IllegalArgumentException(
					PREFIX + "container must be a container name (RFC 1123 label) (was '" + container + "')");
		}
	}

}
