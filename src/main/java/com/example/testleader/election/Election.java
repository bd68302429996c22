package com.example.testleader.election;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The election of one role as the rest of the application sees it: what this replica
 * believes, and a request to hand leadership over. The work itself is told through
 * {@link LeaseContext} and {@link LeaderChanged}; everything else of {@link LeaseElector}
 * is the election's own.
 */
public interface Election {

	/** What this replica believes right now; never calls the API server. */
	Leadership leadership();

	/**
	 * Hands leadership over if this replica leads: as {@link LeaseContext#yield()}. The
	 * answer is what actually happened once the election carried it out, not what this
	 * replica believed when asked.
	 */
	CompletableFuture<Handover> yieldLeadership();

	/** The longest a graceful leave takes: how long to wait for {@link #yieldLeadership()}. */
	Duration leaveTimeout();

	/**
	 * Hands leadership to the replica {@code replica} (its pod name, or its holder
	 * identity) if this replica leads: the Lease is offered to it, and only once it accepts
	 * (proving it is ready, competes for the role and reaches the API server) does the work
	 * stop and the Lease go to it. The answer is what happened:
	 * {@link Handover#RELEASED} when handed over, {@link Handover#NOT_ACCEPTED} when the
	 * named replica did not accept in time (this replica still leads), and
	 * {@link Handover#NOT_LEADING} when this replica did not lead.
	 */
	CompletableFuture<Handover> handTo(String replica);

	/** The longest {@link #handTo(String)} takes: how long to wait for it. */
	Duration handOverTimeout();

	/** The Lease's name: the role. */
	String role();

}
