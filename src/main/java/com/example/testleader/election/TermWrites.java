package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of this replica's terms: take the Lease, renew it, release it. Each is built
 * from the record it replaces and carries its resourceVersion, and each attempt, however
 * many calls it makes, ends by its one {@link Deadline}. What a write over this replica's
 * own term reads on the way is told to {@link KnownLease}; and no such write is made once
 * a newer term has been seen: a record of this term then is its past (a backup written
 * back after another replica's term began), not a term still this replica's to renew or
 * release.
 */
final class TermWrites {

	private static final Logger log = LoggerFactory.getLogger(TermWrites.class);

	private final LeaseApi api;

	private final String identity;

	private final Duration leaseDuration;

	private final Clock clock;

	// what this process stamps on a term it begins (early takeover's), read at each take
	private final Supplier<Optional<String>> stamp;

	private final Ticker ticker;

	private final KnownLease known;

	TermWrites(ElectionParts parts, HolderProcess process) {
		this.api = parts.api();
		this.identity = parts.identity();
		this.leaseDuration = parts.cadence().timings().leaseDuration();
		this.clock = parts.clock();
		this.ticker = parts.ticker();
		this.known = parts.known();
		this.stamp = process.stamps(this.clock, this.ticker);
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
		taken = LeaseRecord.withHolderProcess(taken, this.stamp.get());
		return current.isPresent() ? this.api.update(taken, deadline.nextCall())
				: this.api.create(taken, deadline.nextCall());
	}

	/**
	 * Renews the term of {@code token}, last written as {@code mine}, offered to the replica
	 * {@code offerTo} ({@code null}: to no one; see {@link Handshake}).
	 */
	LeaseRecord renew(LeaseRecord mine, long token, String offerTo, Deadline deadline) {
		return overOwnTerm(mine, token,
				(record) -> Handshake.offered(record.renewedAt(this.leaseDuration, now()), offerTo), deadline);
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
	LeaseRecord release(LeaseRecord mine, long token, String handTo, Deadline deadline) {
		return overOwnTerm(mine, token, released(handTo), deadline);
	}

	/**
	 * Releases the term of {@code token} after it lapsed, reading the Lease first: the last
	 * write this replica heard back of is likely not the last that landed (a renewal
	 * answered too late, or not at all, on a slow link; a change it met with a conflict),
	 * and on such a link a read and one write fit the release's time where a conflict, a
	 * read and a write may not.
	 */
	LeaseRecord releaseLapsed(LeaseRecord mine, long token, Deadline deadline) {
		refuseIfNewerSeen(token);
		return overLatest(mine, token, released(null), deadline);
	}

	private Function<LeaseRecord, Lease> released(String handTo) {
		return (record) -> record.releasedBy(this.identity, now(), handTo);
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
	 * Lease meanwhile, writes over their change only if it is still the same term; otherwise,
	 * or if a newer term than {@code token} has been seen, throws {@link LeaseLostException}.
	 */
	private LeaseRecord overOwnTerm(LeaseRecord mine, long token, Function<LeaseRecord, Lease> change,
			Deadline deadline) {
		refuseIfNewerSeen(token);
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
		return overLatest(mine, token, change, deadline);
	}

	/** A newer term seen: a record of this one is its past, written back, not still its own. */
	private void refuseIfNewerSeen(long token) {
		if (this.known.observation().lastToken() > token) {
			throw new LeaseLostException(StepDownReason.TAKEN_OVER);
		}
	}

	/** Reads the Lease and writes {@code change} over it if it is still the term of {@code token}. */
	private LeaseRecord overLatest(LeaseRecord mine, long token, Function<LeaseRecord, Lease> change,
			Deadline deadline) {
		Optional<LeaseRecord> latest = this.api.get(deadline.nextCall());
		this.known.read(latest.orElse(null), this.ticker.nanoTime());
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
		else if (!latest.get().resourceVersion().equals(mine.resourceVersion())) {
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
