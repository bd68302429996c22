package com.example.testleader.election;

import java.util.Optional;

/**
 * Where the process holding a term runs: its pod's UID and its container, as the holder
 * writes them into the Lease with every term (annotation {@value #ANNOTATION}, together
 * with its holder identity, so that an annotation left behind by another holder is never
 * taken for this one's). The pod name alone is not enough: a StatefulSet pod recreated on
 * another node keeps its name but gets a new UID, while the old one may still run.
 *
 * @param identity the holder identity the annotation was written for
 * @param podUid the holder's pod UID (downward API {@code metadata.uid})
 * @param container the holder's container name
 */
record HolderPod(String identity, String podUid, String container) {

	static final String ANNOTATION = "test-leader.example.com/holder-pod";

	String annotation() {
		return this.identity + " " + this.podUid + " " + this.container;
	}

	/** The annotation's value parsed, if it is well-formed. */
	static Optional<HolderPod> parse(String annotation) {
		if (annotation == null) {
			return Optional.empty();
		}
		String[] parts = annotation.strip().split(" ");
		return (parts.length == 3) ? Optional.of(new HolderPod(parts[0], parts[1], parts[2])) : Optional.empty();
	}

	/** Whether {@code other} runs in the same container of the same pod (another process, maybe). */
	boolean sameContainer(HolderPod other) {
		return this.podUid.equals(other.podUid) && this.container.equals(other.container);
	}

}
