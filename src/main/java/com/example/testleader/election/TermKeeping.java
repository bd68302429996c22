package com.example.testleader.election;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's part of the timeline: renew the term every retry period, each attempt
 * ending by the term's own deadline ({@link Deadline}); extend the term only with a
 * renewal answered before that deadline ({@link TermValidity}); end it at the deadline,
 * when the Lease was taken or deleted, or when a renewal came too late. Runs on the
 * election's loop, and says what came of each renewal ({@link Renewal}); the caller
 * stores the term renewed as the term held, then tells {@link #renewed(HeldTerm)}.
 */
final class TermKeeping {

	private static final Logger log = LoggerFactory.getLogger(TermKeeping.class);

	private final LeaseApi api;

	private final TermWrites writes;

	private final Cadence cadence;

	private final KnownLease known;

	private final ElectionObserver observer;

	private final Clock clock;

	private final Ticker ticker;

	private final Failures failures;

	TermKeeping(ElectionParts parts, TermWrites writes, Failures failures) {
		this.api = parts.api();
		this.writes = writes;
		this.cadence = parts.cadence();
		this.known = parts.known();
		this.observer = parts.observer();
		this.clock = parts.clock();
		this.ticker = parts.ticker();
		this.failures = failures;
	}

	/**
	 * What came of a renewal: either the term as held from now ({@code term}: renewed, or
	 * marked as failing, to be tried again) and when to renew next, or the reason it ended
	 * ({@code endReason}).
	 */
	record Renewal(HeldTerm term, long nextNanos, StepDownReason endReason) {

		Renewal {
			if ((term == null) == (endReason == null)) {
				throw new IllegalArgumentException("A renewal either keeps the term or ends it");
			}
		}

		static Renewal endedBy(StepDownReason reason) {
			return new Renewal(null, 0, reason);
		}

	}

	/** Renews {@code current}, offered to the replica {@code offerTo} (or {@code null}). */
	Renewal renew(HeldTerm current, String offerTo) {
		if (!current.validity().isValid()) {
			return Renewal.endedBy(current.renewalFailed() ? StepDownReason.RENEW_DEADLINE : StepDownReason.EXPIRED);
		}
		long sentAt = this.ticker.nanoTime();
		Deadline attempt = this.cadence.renewal(this.ticker, sentAt + current.validity().remainingNanos());
		LeaseRecord written = this.writes.renew(current.written(), current.context().fencingToken(), offerTo, attempt);
		this.known.wrote(written, sentAt);
		if (!current.validity().extend(sentAt + this.cadence.renewDeadlineNanos())) {
			this.observer.renewal(current.context().term(), ElectionObserver.RenewalOutcome.TIMEOUT);
			log.warn("Lease {} was renewed only after the renew deadline: the term had already ended",
					this.api.describe());
			return Renewal.endedBy(StepDownReason.RENEW_DEADLINE);
		}
		return new Renewal(new HeldTerm(current.context(), current.validity(), written, sentAt, this.clock.instant(),
				false), this.cadence.retryNanos(), null);
	}

	/** The renewal of {@code renewed} landed in time and the caller now holds it as the term. */
	void renewed(HeldTerm renewed) {
		this.observer.renewal(renewed.context().term(), ElectionObserver.RenewalOutcome.SUCCESS);
		this.failures.recovered();
		log.debug("Renewed Lease {} (fencing token {})", this.api.describe(), renewed.context().fencingToken());
	}

	/** A renewal of {@code current} failed: try again before the deadline, or end the term. */
	Renewal renewalFailed(HeldTerm current, RuntimeException failure) {
		if (failure instanceof LeaseLostException lost) {
			this.observer.renewal(current.context().term(), ElectionObserver.RenewalOutcome.CONFLICT);
			return Renewal.endedBy(lost.reason());
		}
		this.observer.renewal(current.context().term(), (failure instanceof LeaseApi.LeaseApiTimeoutException)
				? ElectionObserver.RenewalOutcome.TIMEOUT : ElectionObserver.RenewalOutcome.ERROR);
		this.failures.renewalFailed();
		long left = current.validity().remainingNanos();
		if (left <= 0) {
			log.warn("Could not renew Lease {}: {}", this.api.describe(), Failures.describe(failure));
			return Renewal.endedBy(StepDownReason.RENEW_DEADLINE);
		}
		log.warn("Could not renew Lease {} ({} ms before the renew deadline): {}", this.api.describe(),
				TimeUnit.NANOSECONDS.toMillis(left), Failures.describe(failure));
		return new Renewal(new HeldTerm(current.context(), current.validity(), current.written(),
				current.renewedAtNanos(), current.renewedAt(), true), Math.min(this.cadence.retryNanos(), left), null);
	}

}
