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
	NOT_ACCEPTED,

	/**
	 * The offer was withdrawn before it was answered: another hand-over replaced it, or a
	 * lower-priority one was refused beside it (an operator's request outranks a preferred
	 * holder, which outranks the balance of roles), or whoever asked stopped waiting. This
	 * replica still leads; nothing is known of the receiver.
	 */
	WITHDRAWN

}
