package com.example.testleader.election.takeover;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.example.testleader.election.LeaseRecord;

/**
 * Where the process holding a term runs, and when its term began: its pod's UID, its
 * container, and the beginning on the node's wall clock, as the holder writes them into
 * the Lease with every term (annotation {@value #ANNOTATION}, together with its holder
 * identity, so that an annotation left behind by another holder is never taken for this
 * one's). The pod name alone is not enough: a StatefulSet pod recreated on another node
 * keeps its name but gets a new UID, while the old one may still run.
 *
 * <p>
 * The beginning is the holder's wall clock moved forward by however far that clock was
 * stepped back since the holder's process started ({@link SteppedClock}), so that it is
 * never earlier than a reading the kubelet took of the same clock before the step.
 *
 * <p>
 * Internal: for the election's own packages.
 *
 * @param identity the holder identity the annotation was written for
 * @param podUid the holder's pod UID (downward API {@code metadata.uid})
 * @param container the holder's container name
 * @param termBegan when the term began, as above; {@code null} until the term is taken
 */
public record HolderPod(String identity, String podUid, String container, Instant termBegan) {

	/** The annotation, a constant of the record's format ({@link LeaseRecord#HOLDER_PROCESS}). */
	static final String ANNOTATION = LeaseRecord.HOLDER_PROCESS;

	/** The same pod and container, for a term that began at {@code began}. */
	HolderPod beganAt(Instant began) {
		return new HolderPod(this.identity, this.podUid, this.container, began);
	}

	String annotation() {
		return this.identity + " " + this.podUid + " " + this.container + " " + this.termBegan;
	}

	/**
	 * Where the holder of {@code record} runs, as it wrote with its term; empty when the
	 * record has no holder, no such annotation, or one written for another holder.
	 */
	static Optional<HolderPod> of(LeaseRecord record) {
		return record.holderProcess()
			.flatMap(HolderPod::parse)
			.filter((pod) -> pod.identity().equals(record.holder()));
	}

	/** The annotation's value parsed, if it is well-formed and names the term's beginning. */
	static Optional<HolderPod> parse(String annotation) {
		if (annotation == null) {
			return Optional.empty();
		}
		String[] parts = annotation.strip().split(" ");
		if (parts.length != 4) {
			return Optional.empty();
		}
		try {
			return Optional.of(new HolderPod(parts[0], parts[1], parts[2], Instant.parse(parts[3])));
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

}
