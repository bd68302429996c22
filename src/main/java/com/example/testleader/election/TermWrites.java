package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of this replica's terms: take the Lease, renew it, release it. Each is built
 * from the record it replaces and carries its resourceVersion, and each attempt, however
 * many calls it makes, ends by its one {@link Deadline}.
 */
final class TermWrites {

	private static final Logger log = LoggerFactory.getLogger(TermWrites.class);

	private final LeaseApi api;

	private final String identity;

	private final Duration leaseDuration;

	private final Clock clock;

	private final Optional<HolderPod> here;

	private final SteppedClock began;

	TermWrites(LeaseApi api, String identity, Duration leaseDuration, Clock clock, Ticker ticker,
			Optional<HolderPod> here) {
		this.api = api;
		this.identity = identity;
		this.leaseDuration = leaseDuration;
		this.clock = clock;
		this.here = here;
		this.began = SteppedClock.sinceJvmStart(clock, ticker);
	}

	/**
	 * Takes the Lease over {@code current}, or creates it if there is none, as the term of
	 * {@code token}. A 409 or 404 means another replica wrote first.
	 */
	LeaseRecord take(Optional<LeaseRecord> current, long token, Deadline deadline) {
		ZonedDateTime now = now();
		Lease taken = current.isPresent() ? current.get().acquiredBy(this.identity, this.leaseDuration, now, token)
				: LeaseRecord.created(this.api.namespace(), this.api.name(), this.identity, this.leaseDuration, now,
						token);
		taken = LeaseRecord.withHolderPod(taken, this.here.map((pod) -> pod.beganAt(this.began.now())));
		return current.isPresent() ? this.api.update(taken, deadline.nextCall())
				: this.api.create(taken, deadline.nextCall());
	}

	/**
	 * Renews the term of {@code token}, last written as {@code mine}, offered to the replica
	 * {@code offerTo} ({@code null}: to no one; see {@link Handshake}).
	 */
	LeaseRecord renew(LeaseRecord mine, long token, String offerTo, Deadline deadline, Consumer<LeaseRecord> seen) {
		return overOwnTerm(mine, token,
				(record) -> Handshake.offered(record.renewedAt(this.leaseDuration, now()), offerTo), deadline, seen);
	}

	/**
	 * Accepts the holder's offer of {@code seen} for the replica {@code replica}: the
	 * receiver's one write to a Lease it does not hold. A 409 means the holder wrote first.
	 */
	LeaseRecord accept(LeaseRecord seen, String replica, Deadline deadline) {
		return this.api.update(Handshake.accepted(seen, replica), deadline.nextCall());
	}

	/**
	 * Releases the term of {@code token}: holder cleared, transitions kept, marked as
	 * released, and handed to the replica {@code handTo} if not {@code null}.
	 */
	LeaseRecord release(LeaseRecord mine, long token, String handTo, Deadline deadline, Consumer<LeaseRecord> seen) {
		return overOwnTerm(mine, token, (record) -> record.releasedBy(this.identity, now(), handTo), deadline, seen);
	}

	/**
	 * Creates the Lease released, keeping the token of the term of {@code token} (409 if
	 * someone else created it first).
	 */
	LeaseRecord recreateReleased(long token, Deadline deadline) {
		LeaseRecord created = new LeaseRecord(LeaseRecord.created(this.api.namespace(), this.api.name(), this.identity,
				this.leaseDuration, now(), token));
		return this.api.create(created.releasedBy(this.identity, now()), deadline.nextCall());
	}

	/**
	 * Writes {@code change} over this replica's last record. If someone else changed the
	 * Lease meanwhile ({@code seen} is told what), writes over their change only if it is
	 * still the same term; otherwise throws {@link LeaseLostException}.
	 */
	private LeaseRecord overOwnTerm(LeaseRecord mine, long token, Function<LeaseRecord, Lease> change,
			Deadline deadline, Consumer<LeaseRecord> seen) {
		try {
			return this.api.update(change.apply(mine), deadline.nextCall());
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 404) {
				throw new LeaseLostException(StepDownReason.DELETED);
			}
			if (ex.getCode() != 409) {
				throw ex;
			}
		}
		Optional<LeaseRecord> latest = this.api.get(deadline.nextCall());
		seen.accept(latest.orElse(null));
		if (latest.isEmpty()) {
			throw new LeaseLostException(StepDownReason.DELETED);
		}
		if (!latest.get().heldBy(this.identity, token)) {
			throw new LeaseLostException(StepDownReason.TAKEN_OVER);
		}
		if (Handshake.onlyAccepts(latest.get(), mine)) {
			// the receiver's one write of the hand-over handshake: expected, not a conflict
			log.debug("Lease {} carries {}'s acceptance of this replica's offer", this.api.describe(),
					Handshake.acceptedBy(latest.get()).get());
		}
		else {
			log.warn("Lease {} was changed by someone else but is still this replica's term; writing over the change",
					this.api.describe());
		}
		// the term's own beginning and pod, not whatever the change made of them
		return this.api.update(change.apply(latest.get().withTermOf(mine)), deadline.nextCall());
	}

	private ZonedDateTime now() {
		return ZonedDateTime.now(this.clock);
	}

}
