package com.example.testleader.election;

import java.util.concurrent.CompletableFuture;

/**
 * The holder's side of moving its role to another replica ({@link Handshake} describes
 * the handshake): at most one offer at a time, written with every renewal until the
 * receiver accepts it, the term ends, or it expires unanswered. Whoever asked is answered
 * once: with what became of the handover if it was accepted, {@link Handover#NOT_ACCEPTED}
 * if it expired unanswered, {@link Handover#WITHDRAWN} if it was replaced or its caller
 * stopped waiting, {@link Handover#NOT_LEADING} if the term ended first.
 * Confined to the election's loop.
 */
final class TermOffer {

	private String to;

	private StepDownReason reason;

	private long expiresAtNanos;

	private CompletableFuture<Handover> answer;

	/**
	 * Offers the term to {@code to} until {@code expiresAtNanos}, for {@code reason} (the
	 * step-down's once accepted); an earlier offer is withdrawn.
	 */
	void make(String to, StepDownReason reason, long expiresAtNanos, CompletableFuture<Handover> answer) {
		end(Handover.WITHDRAWN);
		this.to = to;
		this.reason = reason;
		this.expiresAtNanos = expiresAtNanos;
		this.answer = answer;
	}

	/** The replica the term is offered to, for the next renewal; {@code null} if none. */
	String to() {
		return this.to;
	}

	/**
	 * Whether the pending offer outranks a new one for {@code reason}, which then gives way:
	 * a leaving replica's ({@link StepDownReason#RELEASED}, {@link StepDownReason#ROLLED_OUT})
	 * outranks everything, an operator's request ({@link StepDownReason#TRANSFERRED}) outranks the Lease's
	 * preferred holder ({@link StepDownReason#PREFERRED}), which outranks the balance of
	 * roles ({@link StepDownReason#HANDED_OVER}). An equal or higher one replaces it.
	 */
	boolean outranks(StepDownReason reason) {
		return this.to != null && rank(this.reason) > rank(reason);
	}

	private static int rank(StepDownReason reason) {
		return switch (reason) {
			case RELEASED, ROLLED_OUT -> 4;
			case TRANSFERRED -> 3;
			case PREFERRED -> 2;
			default -> 1;
		};
	}

	/** How long until the offer expires unanswered, from {@code nowNanos}; never negative. */
	long nanosUntilExpiry(long nowNanos) {
		return Math.max(0, this.expiresAtNanos - nowNanos);
	}

	/** Why the term is offered: the step-down's reason once accepted. */
	StepDownReason reason() {
		return this.reason;
	}

	/** Whether {@code seen}, still this term's record, carries the acceptance of this offer. */
	boolean acceptedIn(LeaseRecord seen, String identity, long token) {
		return this.to != null && !this.answer.isDone() && seen.heldBy(identity, token)
				&& Handshake.offeredTo(seen).filter(this.to::equals).isPresent()
				&& Handshake.acceptedBy(seen).filter(this.to::equals).isPresent();
	}

	/**
	 * Withdraws the offer if nobody accepted it in time, or whoever asked has stopped
	 * waiting (its answer cancelled): a hand-over the caller was told did not happen must not
	 * happen later.
	 */
	void expireIfDue(long nowNanos) {
		if (this.to != null && this.answer.isDone()) {
			end(Handover.WITHDRAWN);
		}
		else if (this.to != null && nowNanos - this.expiresAtNanos > 0) {
			end(Handover.NOT_ACCEPTED);
		}
	}

	/** The offer is over: answers whoever asked with {@code outcome}. */
	void end(Handover outcome) {
		CompletableFuture<Handover> asked = this.answer;
		// cleared before the answer, whose callbacks may make or end another offer
		this.to = null;
		this.reason = null;
		this.answer = null;
		if (asked != null) {
			asked.complete(outcome);
		}
	}

}
