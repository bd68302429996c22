package com.example.testleader.election;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's part of the timeline: look at the Lease, decide whether it may be taken
 * (expired as this replica observed it, released, this process's own record, or its
 * holder proven gone: {@link KnownLease}, {@link HolderProcess}), take it with a write of
 * its own, and only then begin a term. Runs on the election's loop.
 */
final class Acquisition {

	private static final Logger log = LoggerFactory.getLogger(Acquisition.class);

	private final LeaseApi api;

	private final String identity;

	private final TermWrites writes;

	private final Cadence cadence;

	private final KnownLease known;

	private final HolderProcess early;

	private final LeaderEvents events;

	private final ElectionObserver observer;

	private final Clock clock;

	private final Ticker ticker;

	private final String replica;

	Acquisition(LeaseApi api, String identity, TermWrites writes, Cadence cadence, KnownLease known,
			HolderProcess early, LeaderEvents events, ElectionObserver observer, Clock clock, Ticker ticker) {
		this.api = api;
		this.identity = identity;
		this.writes = writes;
		this.cadence = cadence;
		this.known = known;
		this.early = early;
		this.events = events;
		this.observer = observer;
		this.clock = clock;
		this.ticker = ticker;
		this.replica = PodIdentity.replicaOf(identity);
	}

	/** Reads the Lease and takes it if this replica may; returns when to look again. */
	long acquire(Terms elector, AtomicReference<HeldTerm> term, long notBeforeNanos, Failures failures) {
		Deadline attempt = this.cadence.attempt(this.ticker);
		Optional<LeaseRecord> current = this.api.get(attempt.nextCall());
		long now = this.ticker.nanoTime();
		this.known.read(current.orElse(null), now);
		failures.recovered();
		return tryTake(elector, term, current, now, notBeforeNanos, attempt);
	}

	/** Whether what is known now proves the holder gone: worth a take without waiting. */
	boolean holderProvenGone() {
		return this.early.proof(this.known.observation()).isPresent();
	}

	/**
	 * Takes the Lease if this replica may, over {@code current} (as just read or watched),
	 * not before {@code notBeforeNanos}; otherwise returns when to look again.
	 */
	long tryTake(Terms elector, AtomicReference<HeldTerm> term, Optional<LeaseRecord> current, long now,
			long notBeforeNanos, Deadline attempt) {
		if (notBeforeNanos - now <= 0) {
			current.filter(this::offeredHere).ifPresent((offered) -> accept(offered, attempt));
		}
		long wait = Math.max(this.known.nanosUntilAcquirable(now), notBeforeNanos - now);
		Optional<String> proof = Optional.empty();
		if (wait > 0 && notBeforeNanos - now <= 0) {
			proof = this.early.proof(this.known.observation());
		}
		if (wait > 0 && proof.isEmpty()) {
			log.debug("Lease {} is held by {}; may take it in {} ms", this.api.describe(),
					this.known.observation().holder(), TimeUnit.NANOSECONDS.toMillis(wait));
			return Math.min(this.cadence.jitteredRetryNanos(), wait);
		}
		proof.ifPresent((why) -> log.info("Taking Lease {} from {} before it expires: {}", this.api.describe(),
				this.known.observation().holder(), why));
		long sentAt = this.ticker.nanoTime();
		LeaseRecord written;
		try {
			written = this.writes.take(current, this.known.observation().nextToken(), attempt);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409 && ex.getCode() != 404) {
				throw ex;
			}
			// Another replica wrote first: see what it wrote, so that its term is waited out
			// from now, not from an older observation.
			log.debug("Lease {} changed before this replica could take it", this.api.describe());
			this.known.read(this.api.get(attempt.nextCall()).orElse(null), this.ticker.nanoTime());
			return this.cadence.jitteredRetryNanos();
		}
		this.known.wrote(written, sentAt, proof.orElse(null));
		begin(elector, term, written, sentAt, proof);
		return this.cadence.retryNanos();
	}

	/** Whether the holder of {@code record} offers it to this replica and nobody accepted yet. */
	private boolean offeredHere(LeaseRecord record) {
		return Handshake.offeredTo(record).filter(this.replica::equals).isPresent()
				&& Handshake.acceptedBy(record).isEmpty();
	}

	/**
	 * Accepts the holder's offer: the one write this replica makes to a Lease it does not
	 * hold. It changes neither holder nor term, so it is no reason for anyone to take the
	 * Lease; the holder answers it by releasing the Lease handed to this replica. If it
	 * fails (the holder wrote first, or the API is slow), the next version of the offer is
	 * accepted instead.
	 */
	private void accept(LeaseRecord offered, Deadline attempt) {
		try {
			this.known.read(this.writes.accept(offered, this.replica, attempt), this.ticker.nanoTime());
			log.info("Accepted the offer of Lease {} from {}", this.api.describe(), offered.holder());
		}
		catch (RuntimeException ex) {
			log.debug("Could not accept the offer of Lease {} ({}); answering its next version", this.api.describe(),
					Failures.describe(ex));
		}
	}

	/** A term begins with this process's own write, valid a renew deadline from when it was sent. */
	private void begin(Terms elector, AtomicReference<HeldTerm> term, LeaseRecord written, long sentAt,
			Optional<String> proof) {
		TermValidity validity = new TermValidity(this.ticker, sentAt + this.cadence.renewDeadlineNanos());
		if (!validity.isValid()) {
			log.warn("Lease {} was taken only after the renew deadline of the take; not leading on it",
					this.api.describe());
			return;
		}
		LeaderTerm leaderTerm = new LeaderTerm(this.identity, this.api.name(), written.fencingToken(),
				this.clock.instant(), validity);
		LeaseContext context = new LeaseContext(elector, leaderTerm);
		term.set(new HeldTerm(context, validity, written, sentAt, this.clock.instant(), false));
		log.info("Became leader of Lease {} as {} with fencing token {}", this.api.describe(), this.identity,
				leaderTerm.fencingToken());
		this.observer.acquired(leaderTerm, proof);
		this.events.granted(elector, context);
	}

}
