package com.example.testleader.election;

/**
 * What became of a request to hand leadership over ({@link LeaseElector#yieldLeadership()},
 * {@link LeaseElector#offer(String)}).
 */
public enum Handover {

	/** The work stopped, then the Lease was released: another replica takes it at once. */
	RELEASED,

	/**
	 * This replica stepped down, but the Lease was not released (the work did not stop in
	 * time, or the release failed): another replica takes it once it expires.
	 */
	NOT_RELEASED,

	/** This replica did not lead (any more) when the request was carried out: nothing changed. */
	NOT_LEADING,

	/**
	 * The replica the role was offered to did not accept it in time (it cannot reach the
	 * API, or does not compete for the role): this replica still leads, nothing changed.
	 */
	NOT_ACCEPTED

}
