package com.example.testleader.election;

import java.util.Optional;

/** Why a replica stopped leading. */
public enum StepDownReason {

	/** It left the election (shutdown, or the application stopped accepting traffic). */
	RELEASED(true),

	/**
	 * It left the election in a rollout (shutdown), handing the role to a replica of a
	 * newer revision of the application ({@code election.roles}).
	 */
	ROLLED_OUT(true),

	/** {@link LeaseContext#yield()} handed leadership over. */
	YIELDED(true),

	/** It handed the role to a replica holding fewer roles, to balance the roles (the {@code election.roles} package). */
	HANDED_OVER(true),

	/**
	 * It handed leadership to the replica an operator named ({@link Election#handTo(String)}),
	 * which accepted it.
	 */
	TRANSFERRED(true),

	/**
	 * It handed leadership to the replica its Lease prefers ({@code spec.preferredHolder},
	 * or the annotation where the API server drops that field), which accepted it.
	 */
	PREFERRED(true),

	/** Renewals kept failing (or hanging) until the renew deadline. */
	RENEW_DEADLINE(false),

	/** The renew deadline passed before a renewal was even attempted (a long pause). */
	EXPIRED(false),

	/** The Lease names another holder or another term. */
	TAKEN_OVER(false),

	/** The Lease was deleted. */
	DELETED(false),

	/**
	 * The service stopped before the election could step down gracefully (its loop did not
	 * finish in time): the work was revoked, and the Lease expires on its own.
	 */
	ABANDONED(false);

	private final boolean graceful;

	StepDownReason(boolean graceful) {
		this.graceful = graceful;
	}

	/** Graceful step-downs wait for the work to stop, then release the Lease. */
	public boolean graceful() {
		return this.graceful;
	}

	/**
	 * Why leadership moved, if this step-down was a move (a graceful one, which releases
	 * the Lease for another replica): {@code stop}, {@code rollout}, {@code request} or
	 * {@code balance}; the
	 * {@code reason} of {@code leader_election_moves_total}.
	 */
	public Optional<String> move() {
		return switch (this) {
			case RELEASED -> Optional.of("stop");
			case ROLLED_OUT -> Optional.of("rollout");
			case YIELDED, TRANSFERRED, PREFERRED -> Optional.of("request");
			case HANDED_OVER -> Optional.of("balance");
			default -> Optional.empty();
		};
	}

}
