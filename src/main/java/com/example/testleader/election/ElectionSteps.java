package com.example.testleader.election;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the election does on its loop ({@link ElectionLoop}), one step at a time: the
 * step of the timeline (renew, or look and take), what the watches of the Lease and of the
 * pods report, and the requests that end or move a term (leave, yield, offer). It owns
 * the state only the loop changes; {@link LeaseElector}, the public face, sends each
 * request here on the loop. Each part of the timeline has a class of its own:
 * {@link Acquisition}, {@link TermKeeping}, {@link TermEnding}; each says what came of a
 * step, and this class alone sets the term held from it. It is over 250 lines because it
 * holds all of the loop's state (the term, the offer, whether and from when it competes)
 * and every request that changes it; cut in two, that state would travel between the
 * halves again.
 */
final class ElectionSteps {

	private static final Logger log = LoggerFactory.getLogger(ElectionSteps.class);

	private final LeaseApi api;

	private final String identity;

	private final Cadence cadence;

	private final Ticker ticker;

	private final ElectionLoop loop;

	private final KnownLease known;

	private final Acquisition acquisition;

	private final TermKeeping keeping;

	private final TermEnding ending;

	private final Failures failures;

	private final AtomicReference<HeldTerm> term = new AtomicReference<>();

	private final TermOffer offer = new TermOffer();

	private final PreferredHolder preferred;

	// the leave under way, waiting for its successor's acceptance
	private CompletableFuture<Handover> leaving;

	// Written on the loop only; volatile for readers on other threads.
	private volatile boolean competing;

	private long competeAfterNanos;

	ElectionSteps(ElectionParts parts, ElectionLoop loop, HolderProcess early, RunningWork work) {
		this.api = parts.api();
		this.identity = parts.identity();
		this.cadence = parts.cadence();
		this.ticker = parts.ticker();
		this.loop = loop;
		this.known = parts.known();
		this.failures = new Failures(this.api, this.cadence);
		TermWrites writes = new TermWrites(parts, early);
		this.acquisition = new Acquisition(parts, writes, early, this.failures);
		this.keeping = new TermKeeping(parts, writes, this.failures);
		this.ending = new TermEnding(parts, writes, work);
		this.preferred = new PreferredHolder(this.api, this.identity, this.cadence, this.ticker);
	}

	/** The term held now, if any; any thread. */
	HeldTerm current() {
		return this.term.get();
	}

	/** Whether this replica competes; any thread. */
	boolean competing() {
		return this.competing;
	}

	/** Competes from now, if not already. */
	void compete() {
		if (!this.competing) {
			this.competing = true;
			this.competeAfterNanos = this.ticker.nanoTime();
			log.info("Joining the election for Lease {} as {}", this.api.describe(), this.identity);
			this.loop.schedule(this::step, 0);
		}
	}

	/**
	 * Stops competing, for {@code reason} ({@link StepDownReason#RELEASED} or
	 * {@link StepDownReason#ROLLED_OUT}), and ends a term held gracefully, by
	 * {@code byNanos}. With a successor {@code handTo}, the term is first offered to it, as
	 * a move of the balance is: the work stops and the Lease is released to it only once it
	 * has accepted, proving it reaches the API and competes; unanswered for a retry period
	 * (or as long as the deadline leaves beside a renewal and the step-down itself), the
	 * Lease is released to whoever takes it first. So a leave never waits for a lost replica,
	 * nor hands the Lease to one. A leave asked for while one is under way joins it (the
	 * application's readiness turns, then the lifecycle stops).
	 */
	CompletableFuture<Handover> leave(String handTo, StepDownReason reason, long byNanos) {
		if (this.leaving != null && !this.leaving.isDone()) {
			return this.leaving;
		}
		this.competing = false;
		HeldTerm current = this.term.get();
		long now = this.ticker.nanoTime();
		long wait = Math.min(this.cadence.retryNanos(),
				byNanos - now - this.cadence.renewDeadlineNanos() - this.cadence.stepDownBudgetNanos());
		if (handTo == null || current == null || !current.validity().isValid() || wait <= 0) {
			this.loop.cancel();
			return CompletableFuture.completedFuture(stepDown(reason, null, false));
		}
		CompletableFuture<Handover> left = new CompletableFuture<>();
		CompletableFuture<Handover> answer = new CompletableFuture<>();
		// answered on the loop, when the offer ends
		answer.whenComplete((outcome, failure) -> {
			try {
				left.complete((outcome == Handover.NOT_ACCEPTED) ? stepDown(reason, null, false) : outcome);
			}
			catch (RuntimeException ex) {
				log.warn("Leaving Lease {} failed", this.api.describe(), ex);
				left.completeExceptionally(ex);
			}
		});
		log.info("Offering Lease {} to {} before leaving", this.api.describe(), handTo);
		this.leaving = left;
		this.offer.make(handTo, reason, now + wait, answer);
		this.loop.schedule(this::step, 0);
		return left;
	}

	/** Yields the term held, if {@code which} and still valid; competes again after the yield pause. */
	Handover yieldIf(Predicate<HeldTerm> which) {
		HeldTerm current = this.term.get();
		if (current == null || !which.test(current) || !current.validity().isValid()) {
			return Handover.NOT_LEADING;
		}
		Handover outcome = stepDown(StepDownReason.YIELDED);
		// keep watching, but leave the Lease to the others for a while
		this.competeAfterNanos = this.ticker.nanoTime() + this.cadence.yieldPauseNanos();
		this.loop.schedule(this::step, this.cadence.jitteredRetryNanos());
		return outcome;
	}

	/**
	 * Offers the term held to {@code to}, for {@code reason} (see
	 * {@link LeaseElector#offer(String)}), answering {@code answer} later; at once if this
	 * replica does not lead, or a pending offer outranks this one ({@link TermOffer#outranks}).
	 */
	void offer(String to, StepDownReason reason, CompletableFuture<Handover> answer) {
		HeldTerm current = this.term.get();
		if (current == null || !current.validity().isValid()) {
			answer.complete(Handover.NOT_LEADING);
			return;
		}
		if (this.offer.outranks(reason)) {
			answer.complete(Handover.WITHDRAWN);
			return;
		}
		this.offer.make(to, reason, this.ticker.nanoTime() + this.cadence.offerTimeoutNanos(), answer);
		this.loop.schedule(this::step, 0);
	}

	/**
	 * The offer of this term was accepted: hand the Lease to the replica that accepted it,
	 * and leave it to that replica for the handover grace. The caller schedules the next step.
	 */
	private void handOver() {
		stepDown(this.offer.reason(), this.offer.to(), true);
		this.competeAfterNanos = this.ticker.nanoTime() + this.cadence.handoverGrace().toNanos();
	}

	private void step() {
		long next = this.cadence.retryNanos();
		HeldTerm current = this.term.get();
		try {
			if (current != null) {
				this.offer.expireIfDue(this.ticker.nanoTime());
				if (this.term.get() != current) {
					// a leave's offer expired unanswered: the term was ended and released
					return;
				}
				next = keep(current, this.keeping.renew(current, this.offer.to()));
				HeldTerm renewed = this.term.get();
				if (renewed != null && this.offer.acceptedIn(renewed.written(), this.identity,
						renewed.context().fencingToken())) {
					handOver();
					next = this.cadence.jitteredRetryNanos();
				}
				else if (renewed != null
						&& this.preferred.offerIfDue(renewed.written(), this.offer, this.ticker.nanoTime())) {
					// the offer goes out with a renewal at once
					next = 0;
				}
			}
			else {
				next = acquire();
			}
		}
		catch (RuntimeException ex) {
			next = (current != null) ? keep(current, this.keeping.renewalFailed(current, ex))
					: this.failures.acquisitionFailed(ex);
		}
		finally {
			if (this.competing || this.term.get() != null) {
				if (!this.competing && this.offer.to() != null) {
					// leaving: look again when the offer expires, not a retry period later
					next = Math.min(next, this.offer.nanosUntilExpiry(this.ticker.nanoTime()));
				}
				this.loop.schedule(this::step, next);
			}
		}
	}

	/** Stores the term as {@code renewal} left it, or ends it; returns when to step next. */
	private long keep(HeldTerm current, TermKeeping.Renewal renewal) {
		if (renewal.endReason() != null) {
			stepDown(renewal.endReason());
			return 0;
		}
		if (!this.term.compareAndSet(current, renewal.term())) {
			// only the stopping thread ends a term off the loop, and it has stopped the loop:
			// there is no next step to schedule
			return 0;
		}
		if (!renewal.term().renewalFailed()) {
			this.keeping.renewed(renewal.term());
		}
		return renewal.nextNanos();
	}

	private long acquire() {
		return this.competing ? begin(this.acquisition.acquire(this.competeAfterNanos)) : 0;
	}

	/**
	 * Stores the term {@code attempt} took as the term held, if it took one, then announces
	 * it; returns when to step next.
	 */
	private long begin(Acquisition.Attempt attempt) {
		if (attempt.term() != null) {
			this.term.set(attempt.term());
			this.acquisition.announce(attempt);
		}
		return attempt.nextNanos();
	}

	/**
	 * A version of the Lease seen by the watch ({@code deleted}: its last version before a
	 * deletion). Followers take it as an observation, so a release is acted on at once and
	 * a renewal postpones the next poll. The leader ignores its own writes and checks any
	 * other change at once. Versions older than one already read are skipped; every
	 * version delivered counts for that, competing or not ({@link WatchOrder}).
	 */
	void watched(LeaseRecord seen, boolean deleted) {
		boolean news = this.known.isNews(seen, this.ticker.nanoTime());
		if (!news || (!this.competing && this.term.get() == null)) {
			return;
		}
		HeldTerm current = this.term.get();
		if (current != null) {
			if (!deleted && this.offer.acceptedIn(seen, this.identity, current.context().fencingToken())) {
				handOver();
				this.loop.schedule(this::step, this.cadence.jitteredRetryNanos());
			}
			else if (deleted || !seen.resourceVersion().equals(current.written().resourceVersion())) {
				this.loop.schedule(this::step, 0);
			}
			return;
		}
		LeaseRecord latest = deleted ? null : seen;
		this.known.see(latest, this.ticker.nanoTime());
		takeNow(Optional.ofNullable(latest));
	}

	/**
	 * What the kubelet reports of the pods changed: a follower checks at once whether it
	 * now proves the holder gone ({@link HolderProcess}). No request unless it does.
	 */
	void podsChanged() {
		if (this.term.get() != null || !this.competing || !this.acquisition.holderProvenGone()) {
			return;
		}
		takeNow(Optional.ofNullable(this.known.observation().record()));
	}

	/** Takes the Lease now if this replica may, over {@code latest}; schedules the next step. */
	private void takeNow(Optional<LeaseRecord> latest) {
		long next;
		try {
			next = begin(this.acquisition.tryTake(latest, this.ticker.nanoTime(), this.competeAfterNanos,
					this.cadence.attempt(this.ticker)));
		}
		catch (RuntimeException ex) {
			next = this.failures.acquisitionFailed(ex);
		}
		this.loop.schedule(this::step, next);
	}

	/**
	 * Ends the current term, if any: at once for {@link LeaseContext#isLeader()}, then
	 * as {@link TermEnding} says. Called on the loop, or by the stopping thread once the
	 * loop is gone: whoever takes the term ends it.
	 */
	Handover stepDown(StepDownReason reason) {
		return stepDown(reason, null, false);
	}

	/** @param answersOffer whether this step-down is the hand-over the pending offer asked for */
	private Handover stepDown(StepDownReason reason, String handTo, boolean answersOffer) {
		HeldTerm ended = this.term.getAndSet(null);
		Handover outcome = Handover.NOT_RELEASED;
		try {
			outcome = (ended != null) ? this.ending.end(ended, reason, handTo) : Handover.NOT_LEADING;
			if (outcome == Handover.RELEASED && TermEnding.lapsed(reason)) {
				// released because this replica could not renew in time: the others take it first
				long after = this.ticker.nanoTime() + this.cadence.handoverGrace().toNanos();
				if (after - this.competeAfterNanos > 0) {
					this.competeAfterNanos = after;
				}
			}
			return outcome;
		}
		finally {
			// an offer's answer is never left waiting, even if the step-down failed
			this.offer.end(answersOffer ? outcome : Handover.NOT_LEADING);
		}
	}

}
