package com.example.testleader.election;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;

/**
 * One version of the Lease, as read from or written to the API server. Updates are built
 * from the record they replace and keep its {@code resourceVersion}, so a concurrent
 * change makes them fail with 409 Conflict instead of overwriting it.
 *
 * <p>
 * A release is marked with the {@value #RELEASED_BY} annotation. Followers take a Lease
 * without a holder at once only when it carries that mark; a holder cleared by hand (or
 * by anything but a release) counts as an ordinary change and is waited out for a full
 * lease duration, so a leader that has not yet noticed the edit cannot overlap with a
 * successor.
 *
 * <p>
 * A release may be handed to one replica ({@value #HANDED_TO}): the end of the
 * {@link Handshake} that moves a role to balance the roles. The receiver takes it at once
 * while the others give it the handover grace ({@link Observation}).
 *
 * <p>
 * The fencing token is {@code leaseTransitions}, which the API stores as a non-negative
 * 32-bit integer. When it reaches {@link Integer#MAX_VALUE} the next term writes 0 and
 * counts an epoch in the {@value #FENCING_EPOCH} annotation: the token is
 * {@code epoch × 2^31 + leaseTransitions}, so it keeps rising past the ceiling and an
 * election is always possible.
 * <p>
 * It is over 250 lines because every change of the record (take, renew, release, hand
 * over, the holder process's stamp) is built here, from the version it replaces, so that
 * what a write keeps and what it clears is decided in one place.
 * <p>
 * Internal: for the election's own packages.
 */
public record LeaseRecord(Lease lease) {

	static final String RELEASED_BY = "test-leader.example.com/released-by";

	static final String FENCING_EPOCH = "test-leader.example.com/fencing-epoch";

	static final String HANDED_TO = "test-leader.example.com/handed-to";

	/**
	 * The replica an operator prefers as the holder, where the API server drops
	 * {@code spec.preferredHolder} ({@link #preferredHolder()}).
	 */
	public static final String PREFERRED_HOLDER = "test-leader.example.com/preferred-holder";

	/**
	 * Where the holder's process runs and when its term began, as early takeover stamps it
	 * ({@link HolderProcess}); the record carries it with the term and leaves its value to
	 * early takeover.
	 */
	public static final String HOLDER_PROCESS = "test-leader.example.com/holder-pod";

	/** Tokens per epoch: every value {@code leaseTransitions} can take. */
	static final long EPOCH_SIZE = 1L << 31;

	public LeaseRecord {
		Objects.requireNonNull(lease, "lease");
	}

	/** A new Lease held by {@code identity} in the term of {@code token}. */
	public static Lease created(String namespace, String name, String identity, Duration leaseDuration, ZonedDateTime now,
			long token) {
		return new LeaseBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withSpec(heldSpec(null, identity, leaseDuration, now, now, token))
			.editMetadata()
			.withAnnotations(epochAnnotation(token))
			.endMetadata()
			.build();
	}

	/** The holder's identity, or {@code null} when nobody holds the Lease. */
	public String holder() {
		LeaseSpec spec = this.lease.getSpec();
		String holder = (spec != null) ? spec.getHolderIdentity() : null;
		return (holder == null || holder.isBlank()) ? null : holder;
	}

	int transitions() {
		LeaseSpec spec = this.lease.getSpec();
		Integer transitions = (spec != null) ? spec.getLeaseTransitions() : null;
		return (transitions != null) ? transitions : 0;
	}

	/** The record's own lease duration; empty when it is missing or not positive. */
	Optional<Duration> leaseDuration() {
		LeaseSpec spec = this.lease.getSpec();
		Integer seconds = (spec != null) ? spec.getLeaseDurationSeconds() : null;
		return (seconds != null && seconds > 0) ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
	}

	/** {@code epoch × 2^31 + leaseTransitions}: rises strictly from term to term. */
	public long fencingToken() {
		Map<String, String> annotations = this.lease.getMetadata().getAnnotations();
		String epoch = (annotations != null) ? annotations.get(FENCING_EPOCH) : null;
		try {
			return ((epoch != null) ? Math.max(0, Long.parseLong(epoch)) : 0) * EPOCH_SIZE + transitions();
		}
		catch (NumberFormatException ex) {
			return transitions();
		}
	}

	ZonedDateTime acquireTime() {
		return (this.lease.getSpec() != null) ? this.lease.getSpec().getAcquireTime() : null;
	}

	ZonedDateTime renewTime() {
		return (this.lease.getSpec() != null) ? this.lease.getSpec().getRenewTime() : null;
	}

	String resourceVersion() {
		return this.lease.getMetadata().getResourceVersion();
	}

	/** Whether nobody holds the Lease because its last holder released it. */
	boolean released() {
		return holder() == null && this.lease.getMetadata().getAnnotations() != null
				&& this.lease.getMetadata().getAnnotations().containsKey(RELEASED_BY);
	}

	/**
	 * The replica this Lease prefers as its holder, if it names one: coordinated leader
	 * election's {@code spec.preferredHolder}, else the annotation
	 * {@value #PREFERRED_HOLDER} (for API servers that drop that field: coordinated
	 * leader election is off by default). A name that cannot be a pod's, or a holder
	 * identity of one (whoever may edit the Lease wrote it), is no preference.
	 */
	Optional<String> preferredHolder() {
		LeaseSpec spec = this.lease.getSpec();
		String preferred = (spec != null) ? spec.getPreferredHolder() : null;
		if (preferred == null || preferred.isBlank()) {
			preferred = annotation(PREFERRED_HOLDER);
		}
		if (preferred == null || preferred.isBlank()) {
			return Optional.empty();
		}
		String replica = PodIdentity.replicaOf(preferred);
		return (replica.length() <= 253 && LeaderElectionProperties.DNS_SUBDOMAIN.matcher(replica).matches())
				? Optional.of(preferred) : Optional.empty();
	}

	/**
	 * For a release handed to one replica, that replica's name; empty for any other record
	 * (a holder's, or a release to whoever takes it first).
	 */
	Optional<String> handedTo() {
		Map<String, String> annotations = this.lease.getMetadata().getAnnotations();
		String to = (annotations != null) ? annotations.get(HANDED_TO) : null;
		return (released() && to != null && !to.isBlank()) ? Optional.of(to) : Optional.empty();
	}

	private String annotation(String name) {
		Map<String, String> annotations = this.lease.getMetadata().getAnnotations();
		return (annotations != null) ? annotations.get(name) : null;
	}

	/** Whether this record is held by {@code identity} in the term of {@code fencingToken}. */
	boolean heldBy(String identity, long fencingToken) {
		return identity.equals(holder()) && fencingToken() == fencingToken;
	}

	/**
	 * Same election state, whatever else (labels, resourceVersion) differs: the spec, the
	 * release and whom it is handed to, and the holder's pod, which early takeover's proof
	 * is read from.
	 */
	boolean sameStateAs(LeaseRecord other) {
		return other != null && Objects.equals(this.lease.getSpec(), other.lease.getSpec())
				&& released() == other.released() && handedTo().equals(other.handedTo())
				&& Objects.equals(annotation(HOLDER_PROCESS), other.annotation(HOLDER_PROCESS));
	}

	/** Whether a holder is named but its record lacks what expiry is judged by. */
	boolean malformed() {
		return holder() != null && leaseDuration().isEmpty();
	}

	Lease acquiredBy(String identity, Duration leaseDuration, ZonedDateTime now, long token) {
		return new LeaseBuilder(this.lease).editMetadata()
			.removeFromAnnotations(RELEASED_BY)
			.removeFromAnnotations(HANDED_TO)
			.removeFromAnnotations(Handshake.OFFERED_TO)
			.removeFromAnnotations(Handshake.ACCEPTED_BY)
			.removeFromAnnotations(FENCING_EPOCH)
			.removeFromAnnotations(HOLDER_PROCESS)
			.addToAnnotations(epochAnnotation(token))
			.endMetadata()
			.withSpec(heldSpec(this.lease.getSpec(), identity, leaseDuration, now, now, token))
			.build();
	}

	/**
	 * This version with the term's beginning and holder pod as {@code mine} wrote them: a
	 * write over someone else's change keeps what the term itself says of when and where it
	 * began.
	 */
	LeaseRecord withTermOf(LeaseRecord mine) {
		LeaseBuilder builder = new LeaseBuilder(this.lease).editSpec().withAcquireTime(mine.acquireTime()).endSpec();
		Map<String, String> annotations = mine.lease.getMetadata().getAnnotations();
		String pod = (annotations != null) ? annotations.get(HOLDER_PROCESS) : null;
		builder = builder.editMetadata().removeFromAnnotations(HOLDER_PROCESS).endMetadata();
		if (pod != null) {
			builder = builder.editMetadata().addToAnnotations(HOLDER_PROCESS, pod).endMetadata();
		}
		return new LeaseRecord(builder.build());
	}

	/** {@code lease} naming where its holder runs, if that is known ({@link HolderProcess}). */
	public static Lease withHolderProcess(Lease lease, Optional<String> stamp) {
		return stamp.map((where) -> new LeaseBuilder(lease).editMetadata()
			.addToAnnotations(HOLDER_PROCESS, where)
			.endMetadata()
			.build()).orElse(lease);
	}

	/**
	 * Where the holder runs, as it stamped its term ({@link #HOLDER_PROCESS}); empty when
	 * the record has no holder or no such annotation. Whether the stamp was written for
	 * this holder is for early takeover to check.
	 */
	public Optional<String> holderProcess() {
		Map<String, String> annotations = this.lease.getMetadata().getAnnotations();
		String holder = holder();
		if (holder == null || annotations == null) {
			return Optional.empty();
		}
		return Optional.ofNullable(annotations.get(HOLDER_PROCESS));
	}

	/** The same term, renewed; also repairs fields someone else removed. */
	Lease renewedAt(Duration leaseDuration, ZonedDateTime now) {
		ZonedDateTime acquired = (acquireTime() != null) ? acquireTime() : now;
		return new LeaseBuilder(this.lease)
			.withSpec(heldSpec(this.lease.getSpec(), holder(), leaseDuration, acquired, now, fencingToken()))
			.build();
	}

	/** Holder cleared, transitions kept, marked as released (client-go's release shape). */
	Lease releasedBy(String identity, ZonedDateTime now) {
		return releasedBy(identity, now, null);
	}

	/**
	 * As {@link #releasedBy(String, ZonedDateTime)}, handed to the replica named
	 * {@code handTo} ({@code null}: to whoever takes it first).
	 */
	Lease releasedBy(String identity, ZonedDateTime now, String handTo) {
		LeaseBuilder released = new LeaseBuilder(this.lease).editMetadata()
			.removeFromAnnotations(HOLDER_PROCESS)
			.removeFromAnnotations(HANDED_TO)
			.removeFromAnnotations(Handshake.OFFERED_TO)
			.removeFromAnnotations(Handshake.ACCEPTED_BY)
			.addToAnnotations(RELEASED_BY, identity)
			.endMetadata()
			.withSpec(heldSpec(this.lease.getSpec(), "", Duration.ofSeconds(1), now, now, fencingToken()));
		if (handTo != null) {
			released = released.editMetadata().addToAnnotations(HANDED_TO, handTo).endMetadata();
		}
		return released.build();
	}

	private static Map<String, String> epochAnnotation(long token) {
		long epoch = token / EPOCH_SIZE;
		return (epoch > 0) ? Map.of(FENCING_EPOCH, Long.toString(epoch)) : Map.of();
	}

	/**
	 * The spec of a term: {@code found} (the spec written over, or {@code null}) with the
	 * holder, duration, times and transitions of this term; whatever else it holds (the
	 * {@code strategy} and {@code preferredHolder} of coordinated leader election) is kept
	 * as found, as client-go does.
	 */
	private static LeaseSpec heldSpec(LeaseSpec found, String holder, Duration leaseDuration,
			ZonedDateTime acquireTime, ZonedDateTime renewTime, long token) {
		LeaseSpec spec = (found != null) ? new LeaseSpecBuilder(found).build() : new LeaseSpec();
		spec.setHolderIdentity(holder);
		spec.setLeaseDurationSeconds(Math.toIntExact(leaseDuration.toSeconds()));
		spec.setAcquireTime(acquireTime);
		spec.setRenewTime(renewTime);
		spec.setLeaseTransitions((int) (token % EPOCH_SIZE));
		return spec;
	}

}
