package com.example.testleader.election;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of a Lease that names a preferred holder
 * ({@link LeaseRecord#preferredHolder()}): while the Lease prefers another replica, the
 * leader offers it the Lease, as an operator's hand-over does ({@link Handshake}); the
 * work stops only once that replica has accepted. An offer it does not accept (it is gone,
 * not ready, or cannot reach the API) is not made again for a lease duration, doubling with
 * each refusal in a row up to {@value #MOST_LEASES} lease durations, so a preference for a
 * replica that no longer runs costs an offer now and then, never the leadership. A
 * preference for this replica, or none, asks nothing. Confined to the election's loop.
 */
final class PreferredHolder {

	private static final Logger log = LoggerFactory.getLogger(PreferredHolder.class);

	/** A refused preference is not offered again for this many lease durations at most. */
	static final int MOST_LEASES = 8;

	private final LeaseApi api;

	private final String replica;

	private final Duration leaseDuration;

	private final Cadence cadence;

	private final Ticker ticker;

	private String refusedReplica;

	private Duration pause = Duration.ZERO;

	private long notBeforeNanos;

	PreferredHolder(LeaseApi api, String identity, Cadence cadence, Ticker ticker) {
		this.api = api;
		this.replica = PodIdentity.replicaOf(identity);
		this.leaseDuration = cadence.timings().leaseDuration();
		this.cadence = cadence;
		this.ticker = ticker;
	}

	/**
	 * Offers the leader's term, last written as {@code written}, to the replica it prefers,
	 * if that is due and nothing else is {@code offer}ed; returns whether it did.
	 */
	boolean offerIfDue(LeaseRecord written, TermOffer offer, long nowNanos) {
		Optional<String> preferred = preferred(written);
		if (offer.reason() == StepDownReason.PREFERRED && !preferred.equals(Optional.of(offer.to()))) {
			// the preference changed or was removed while it was offered
			offer.end(Handover.WITHDRAWN);
		}
		if (offer.to() != null) {
			return false;
		}
		Optional<String> to = due(preferred, nowNanos);
		to.ifPresent((replica) -> {
			CompletableFuture<Handover> answer = new CompletableFuture<>();
			// answered on the loop, when the offer ends
			answer.thenAccept((outcome) -> answered(replica, outcome));
			offer.make(replica, StepDownReason.PREFERRED, nowNanos + this.cadence.offerTimeoutNanos(), answer);
		});
		return to.isPresent();
	}

	/** The other replica {@code record} prefers, if it names one. */
	private Optional<String> preferred(LeaseRecord record) {
		return record.preferredHolder().map(PodIdentity::replicaOf).filter((other) -> !other.equals(this.replica));
	}

	private void answered(String replica, Handover outcome) {
		if (outcome == Handover.NOT_ACCEPTED) {
			refused(replica, this.ticker.nanoTime());
		}
		else if (outcome != Handover.WITHDRAWN) {
			// accepted, or the term ended: a later preference starts afresh
			this.refusedReplica = null;
			this.pause = Duration.ZERO;
		}
	}

	/** The replica to offer this leader's term to now, as {@code preferred}, if any. */
	private Optional<String> due(Optional<String> preferred, long nowNanos) {
		if (preferred.isEmpty() || (preferred.get().equals(this.refusedReplica) && nowNanos - this.notBeforeNanos < 0)) {
			return Optional.empty();
		}
		if (!preferred.get().equals(this.refusedReplica)) {
			log.info("Lease {} prefers {} as its holder; offering it", this.api.describe(), preferred.get());
		}
		return preferred;
	}

	/** {@code to}, offered the term as preferred, did not accept it by {@code nowNanos}. */
	private void refused(String to, long nowNanos) {
		Duration most = this.leaseDuration.multipliedBy(MOST_LEASES);
		this.pause = !Objects.equals(to, this.refusedReplica) ? this.leaseDuration
				: (this.pause.multipliedBy(2).compareTo(most) > 0) ? most : this.pause.multipliedBy(2);
		this.refusedReplica = to;
		this.notBeforeNanos = nowNanos + this.pause.toNanos();
		log.info("{}, preferred holder of Lease {}, did not accept it; offering it again in {}", to,
				this.api.describe(), this.pause);
	}

}
