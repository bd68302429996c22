package com.example.testleader.election;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one of this replica's terms: the term is over for {@link LeaseContext#isLeader()}
 * at once, then the work is revoked. A graceful step-down releases the Lease only once
 * every revocation listener has returned, that is, once the work has stopped; a failed or
 * late revocation leaves the Lease to expire. After a deletion, the Lease is created again
 * released (once the work has stopped), so that nobody waits the deletion out.
 *
 * <p>
 * A term that lapsed at its deadline (renewals failed or answered too late, or a pause) is
 * released the same way once its work has stopped, if the API answers and the Lease still
 * names this term: a renewal that landed on the API but was answered too late would
 * otherwise be waited out by every follower for a full lease from when they saw it. The
 * release is conditional on the version it writes over (the term's last write, or on a
 * conflict the version just read, if that still names this identity and fencing token),
 * so it never overwrites a newer holder's term; it clears the holder and revives nothing:
 * the term stays lapsed. A leader cut off from the API cannot release, and is waited out.
 *
 * <p>
 * The release and the re-creation are bounded by one {@link Deadline} each, and the wait
 * for the work by the stop margin, so ending a term takes at most
 * {@link Cadence#longestStep()} minus the attempt that led to it.
 */
final class TermEnding {

	private static final Logger log = LoggerFactory.getLogger(TermEnding.class);

	private final Terms elector;

	private final LeaseApi api;

	private final TermWrites writes;

	private final Cadence cadence;

	private final LeaderEvents events;

	private final ElectionObserver observer;

	private final Ticker ticker;

	private final KnownLease known;

	private final RunningWork work;

	TermEnding(ElectionParts parts, TermWrites writes, RunningWork work) {
		this.elector = parts.elector();
		this.api = parts.api();
		this.writes = writes;
		this.cadence = parts.cadence();
		this.events = parts.events();
		this.observer = parts.observer();
		this.ticker = parts.ticker();
		this.known = parts.known();
		this.work = work;
	}

	/**
	 * Ends {@code ended}, which the caller has taken from the elector, for {@code reason};
	 * a graceful release is handed to the replica {@code handTo} if not {@code null}.
	 */
	Handover end(HeldTerm ended, StepDownReason reason, String handTo) {
		ended.validity().end();
		log.info("Stopped leading Lease {} (fencing token {}): {}", this.api.describe(),
				ended.context().fencingToken(), reason);
		LeaderTerm term = ended.context().term();
		boolean released = false;
		try {
			this.observer.lost(term, reason);
			CompletableFuture<Void> revoked = this.events.revoked(this.elector, ended.context());
			if (reason == StepDownReason.ABANDONED) {
				// the stopping thread has no time left to wait: the work's own deadline stops it
				return Handover.NOT_RELEASED;
			}
			boolean stopped = awaitRevocation(revoked) && nothingStillRuns();
			if (reason.graceful() && stopped && release(ended, reason, handTo)) {
				released = true;
				return Handover.RELEASED;
			}
			if (lapsed(reason) && stopped && release(ended, reason, null)) {
				released = true;
				return Handover.RELEASED;
			}
			released = reason == StepDownReason.DELETED && stopped && recreateReleased(ended);
			return Handover.NOT_RELEASED;
		}
		finally {
			this.observer.ended(term, reason, released, (released && reason.graceful()) ? handTo : null);
		}
	}

	/**
	 * Whether a term ended for {@code reason} lapsed at its own deadline, the Lease perhaps
	 * still naming it: released once the work has stopped, if it still does.
	 */
	static boolean lapsed(StepDownReason reason) {
		return reason == StepDownReason.RENEW_DEADLINE || reason == StepDownReason.EXPIRED;
	}

	private boolean awaitRevocation(CompletableFuture<Void> revoked) {
		Duration margin = this.cadence.timings().stopMargin();
		try {
			revoked.get(margin.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			log.warn("Not releasing Lease {}: the work was still stopping {} after its revocation; the Lease will "
					+ "expire on its own", this.api.describe(), margin);
		}
		catch (ExecutionException ex) {
			log.warn("Not releasing Lease {}: a revocation listener failed, so the work may still run; the Lease "
					+ "will expire on its own", this.api.describe());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return false;
	}

	private boolean nothingStillRuns() {
		Optional<String> running = this.work.stillRunning(this.api.name());
		running.ifPresent((why) -> log.warn("Not releasing Lease {}: {}; the Lease will expire on its own",
				this.api.describe(), why));
		return running.isEmpty();
	}

	private boolean release(HeldTerm ended, StepDownReason reason, String handTo) {
		try {
			long token = ended.context().fencingToken();
			Deadline deadline = this.cadence.release(this.ticker);
			LeaseRecord released = lapsed(reason) ? this.writes.releaseLapsed(ended.written(), token, deadline)
					: this.writes.release(ended.written(), token, handTo, deadline);
			this.known.wrote(released, this.ticker.nanoTime());
			if (handTo != null) {
				log.info("Released Lease {}, handed to {}", this.api.describe(), handTo);
			}
			else {
				log.info("Released Lease {}", this.api.describe());
			}
			return true;
		}
		catch (LeaseLostException ex) {
			log.info("Lease {} was no longer this replica's to release ({})", this.api.describe(), ex.reason());
		}
		catch (RuntimeException ex) {
			log.warn("Could not release Lease {}; other replicas take it over once it expires: {}",
					this.api.describe(), Failures.describe(ex));
		}
		return false;
	}

	private boolean recreateReleased(HeldTerm ended) {
		try {
			LeaseRecord released = this.writes.recreateReleased(ended.context().fencingToken(),
					this.cadence.release(this.ticker));
			this.known.wrote(released, this.ticker.nanoTime());
			log.info("Created Lease {} again, released, after it was deleted", this.api.describe());
			return true;
		}
		catch (RuntimeException ex) {
			log.info("Did not create Lease {} again ({}); the others take over once the deletion is waited out",
					this.api.describe(), Failures.describe(ex));
			return false;
		}
	}

}
