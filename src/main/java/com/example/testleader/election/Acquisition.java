package com.example.testleader.election;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's part of the timeline: look at the Lease, decide whether it may be taken
 * (expired as this replica observed it, released, this process's own record, or its
 * holder proven gone: {@link KnownLease}, {@link HolderProcess}), take it with a write of
 * its own, and only then begin a term. Runs on the election's loop, and says what came of
 * each attempt ({@link Attempt}); the caller stores the term taken as the term held, then
 * {@link #announce(Attempt) announces} it.
 */
final class Acquisition {

	private static final Logger log = LoggerFactory.getLogger(Acquisition.class);

	private final Terms elector;

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

	private final Failures failures;

	private final String replica;

	Acquisition(ElectionParts parts, TermWrites writes, HolderProcess early, Failures failures) {
		this.elector = parts.elector();
		this.api = parts.api();
		this.identity = parts.identity();
		this.writes = writes;
		this.cadence = parts.cadence();
		this.known = parts.known();
		this.early = early;
		this.events = parts.events();
		this.observer = parts.observer();
		this.clock = parts.clock();
		this.ticker = parts.ticker();
		this.failures = failures;
		this.replica = PodIdentity.replicaOf(this.identity);
	}

	/**
	 * What came of an attempt: the term taken ({@code null} if none was; not yet
	 * announced), on what proof if before expiry, and when to step next.
	 */
	record Attempt(HeldTerm term, Optional<String> proof, long nextNanos) {

		static Attempt lookAgainIn(long nanos) {
			return new Attempt(null, Optional.empty(), nanos);
		}

	}

	/** Reads the Lease and takes it if this replica may. */
	Attempt acquire(long notBeforeNanos) {
		Deadline attempt = this.cadence.attempt(this.ticker);
		Optional<LeaseRecord> current = this.api.get(attempt.nextCall());
		long now = this.ticker.nanoTime();
		this.known.read(current.orElse(null), now);
		this.failures.recovered();
		return tryTake(current, now, notBeforeNanos, attempt);
	}

	/** Whether what is known now proves the holder gone: worth a take without waiting. */
	boolean holderProvenGone() {
		return this.early.proof(this.known.observation()).isPresent();
	}

	/**
	 * Takes the Lease if this replica may, over {@code current} (as just read or watched),
	 * not before {@code notBeforeNanos}.
	 */
	Attempt tryTake(Optional<LeaseRecord> current, long now, long notBeforeNanos, Deadline attempt) {
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
			return Attempt.lookAgainIn(Math.min(this.cadence.jitteredRetryNanos(), wait));
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
			return Attempt.lookAgainIn(this.cadence.jitteredRetryNanos());
		}
		this.known.wrote(written, sentAt, proof.orElse(null));
		return new Attempt(newTerm(written, sentAt), proof, this.cadence.retryNanos());
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

	/**
	 * A term begins with this process's own write, valid a renew deadline from when it was
	 * sent; {@code null} if that deadline has already passed.
	 */
	private HeldTerm newTerm(LeaseRecord written, long sentAt) {
		TermValidity validity = new TermValidity(this.ticker, sentAt + this.cadence.renewDeadlineNanos());
		if (!validity.isValid()) {
			log.warn("Lease {} was taken only after the renew deadline of the take; not leading on it",
					this.api.describe());
			return null;
		}
		LeaderTerm leaderTerm = new LeaderTerm(this.identity, this.api.name(), written.fencingToken(),
				this.clock.instant(), validity);
		return new HeldTerm(new LeaseContext(this.elector, leaderTerm), validity, written, sentAt,
				this.clock.instant(), false);
	}

	/** Tells the application that the term {@code attempt} took began, once the caller stored it. */
	void announce(Attempt attempt) {
		LeaseContext context = attempt.term().context();
		log.info("Became leader of Lease {} as {} with fencing token {}", this.api.describe(), this.identity,
				context.fencingToken());
		// the grant first: the observers (metrics, Kubernetes Events) need not delay the work
		this.events.granted(this.elector, context);
		this.observer.acquired(context.term(), attempt.proof());
	}

}
