package com.example.testleader.election;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;

/**
 * The marks on the Lease by which a role is moved to balance the roles, since the API
 * server drops Kubernetes' own {@code spec.preferredHolder} unless a feature gate that is
 * off by default is on. The holder offers its term to one replica ({@value #OFFERED_TO},
 * written with its renewals: the replica's name, the holder identity without the
 * per-process suffix); that replica accepts ({@value #ACCEPTED_BY}, its only write to a
 * Lease it does not hold, which changes nothing else); only then does the holder stop its
 * work and release the Lease handed to it ({@link LeaseRecord#HANDED_TO}). A replica that
 * cannot reach the API, or does not compete for the role, never accepts, and nothing is
 * released. A new term or a release clears both marks ({@link LeaseRecord}).
 */
final class Handshake {

	static final String OFFERED_TO = "test-leader.example.com/offered-to";

	static final String ACCEPTED_BY = "test-leader.example.com/accepted-by";

	private Handshake() {
	}

	/** While {@code record} is held, the replica its holder offers the term to; else empty. */
	static Optional<String> offeredTo(LeaseRecord record) {
		return heldMark(record, OFFERED_TO);
	}

	/** While {@code record} is held, the replica that accepted its holder's offer; else empty. */
	static Optional<String> acceptedBy(LeaseRecord record) {
		return heldMark(record, ACCEPTED_BY);
	}

	private static Optional<String> heldMark(LeaseRecord record, String name) {
		String value = annotations(record.lease()).get(name);
		return (record.holder() != null && value != null && !value.isBlank()) ? Optional.of(value) : Optional.empty();
	}

	/**
	 * {@code lease} (a renewal of its holder's) offered to the replica {@code to}, keeping
	 * an acceptance of that same offer; {@code null}: offered to no one.
	 */
	static Lease offered(Lease lease, String to) {
		Map<String, String> annotations = annotations(lease);
		boolean accepted = to != null && to.equals(annotations.get(ACCEPTED_BY)) && to.equals(annotations.get(OFFERED_TO));
		LeaseBuilder offered = new LeaseBuilder(lease).editMetadata()
			.removeFromAnnotations(OFFERED_TO)
			.removeFromAnnotations(ACCEPTED_BY)
			.endMetadata();
		if (to != null) {
			offered = offered.editMetadata().addToAnnotations(OFFERED_TO, to).endMetadata();
		}
		if (accepted) {
			offered = offered.editMetadata().addToAnnotations(ACCEPTED_BY, to).endMetadata();
		}
		return offered.build();
	}

	/** {@code offered}, accepted by the replica {@code replica}: the receiver's one write to it. */
	static Lease accepted(LeaseRecord offered, String replica) {
		return new LeaseBuilder(offered.lease()).editMetadata()
			.addToAnnotations(ACCEPTED_BY, replica)
			.endMetadata()
			.build();
	}

	/**
	 * Whether {@code latest} is {@code mine} with nothing added but the acceptance of mine's
	 * offer: the receiver's one write of the handshake, not someone else's change.
	 */
	static boolean onlyAccepts(LeaseRecord latest, LeaseRecord mine) {
		if (acceptedBy(mine).isPresent() || offeredTo(mine).isEmpty()
				|| !acceptedBy(latest).equals(offeredTo(mine))) {
			return false;
		}
		Map<String, String> annotations = new HashMap<>(annotations(latest.lease()));
		annotations.remove(ACCEPTED_BY);
		return Objects.equals(latest.lease().getSpec(), mine.lease().getSpec())
				&& annotations.equals(annotations(mine.lease()))
				&& orEmpty(latest.lease().getMetadata().getLabels()).equals(orEmpty(mine.lease().getMetadata().getLabels()));
	}

	private static Map<String, String> annotations(Lease lease) {
		return orEmpty(lease.getMetadata().getAnnotations());
	}

	private static Map<String, String> orEmpty(Map<String, String> map) {
		return (map != null) ? map : Map.of();
	}

}
