package com.example.testleader.election;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's part of the timeline: renew the term every retry period, each attempt
 * ending by the term's own deadline ({@link Deadline}); extend the term only with a
 * renewal answered before that deadline ({@link TermValidity}); end it (through
 * {@code stepDown}) at the deadline, when the Lease was taken or deleted, or when a
 * renewal came too late. Runs on the election's loop.
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

	TermKeeping(LeaseApi api, TermWrites writes, Cadence cadence, KnownLease known, ElectionObserver observer,
			Clock clock, Ticker ticker) {
		this.api = api;
		this.writes = writes;
		this.cadence = cadence;
		this.known = known;
		this.observer = observer;
		this.clock = clock;
		this.ticker = ticker;
	}

	/**
	 * Renews {@code current}, offered to the replica {@code offerTo} (or {@code null});
	 * returns when to renew next (0 once the term has ended).
	 */
	long renew(AtomicReference<HeldTerm> term, HeldTerm current, String offerTo, Failures failures,
			Consumer<StepDownReason> stepDown) {
		if (!current.validity().isValid()) {
			stepDown.accept(current.renewalFailed() ? StepDownReason.RENEW_DEADLINE : StepDownReason.EXPIRED);
			return 0;
		}
		long sentAt = this.ticker.nanoTime();
		Deadline attempt = this.cadence.renewal(this.ticker, sentAt + current.validity().remainingNanos());
		LeaseRecord written = this.writes.renew(current.written(), current.context().fencingToken(), offerTo, attempt);
		this.known.wrote(written, sentAt);
		if (!current.validity().extend(sentAt + this.cadence.renewDeadlineNanos())) {
			this.observer.renewal(current.context().term(), ElectionObserver.RenewalOutcome.TIMEOUT);
			log.warn("Lease {} was renewed only after the renew deadline: the term had already ended",
					this.api.describe());
			stepDown.accept(StepDownReason.RENEW_DEADLINE);
			return 0;
		}
		if (!term.compareAndSet(current,
				new HeldTerm(current.context(), current.validity(), written, sentAt, this.clock.instant(), false))) {
			return 0;
		}
		this.observer.renewal(current.context().term(), ElectionObserver.RenewalOutcome.SUCCESS);
		failures.recovered();
		log.debug("Renewed Lease {} (fencing token {})", this.api.describe(), current.context().fencingToken());
		return this.cadence.retryNanos();
	}

	/** A renewal of {@code current} failed: try again before the deadline, or end the term. */
	long renewalFailed(AtomicReference<HeldTerm> term, HeldTerm current, RuntimeException failure,
			Failures failures, Consumer<StepDownReason> stepDown) {
		if (failure instanceof LeaseLostException lost) {
			this.observer.renewal(current.context().term(), ElectionObserver.RenewalOutcome.CONFLICT);
			stepDown.accept(lost.reason());
			return 0;
		}
		this.observer.renewal(current.context().term(), (failure instanceof LeaseApi.LeaseApiTimeoutException)
				? ElectionObserver.RenewalOutcome.TIMEOUT : ElectionObserver.RenewalOutcome.ERROR);
		term.compareAndSet(current, new HeldTerm(current.context(), current.validity(), current.written(),
				current.renewedAtNanos(), current.renewedAt(), true));
		failures.renewalFailed();
		long left = current.validity().remainingNanos();
		if (left <= 0) {
			log.warn("Could not renew Lease {}: {}", this.api.describe(), Failures.describe(failure));
			stepDown.accept(StepDownReason.RENEW_DEADLINE);
			return 0;
		}
		log.warn("Could not renew Lease {} ({} ms before the renew deadline): {}", this.api.describe(),
				TimeUnit.NANOSECONDS.toMillis(left), Failures.describe(failure));
		return Math.min(this.cadence.retryNanos(), left);
	}

}
