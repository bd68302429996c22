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

	/** The Lease's name: the role. */
	String role();

}
