package com.example.testleader.election.roles;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Moves of roles that their receiver did not accept lately (it could not reach the API,
 * was stopping, or does not compete for the role): not offered again for a lease duration,
 * doubling with each refusal in a row up to {@value #MOST_LEASES} lease durations, and
 * forgotten once a pause as long again has passed. Confined to the balancer's thread.
 */
final class RefusedMoves {

	/** A refused move is not offered again for this many lease durations at most. */
	static final int MOST_LEASES = 8;

	private final Duration leaseDuration;

	private final Map<RoleBalance.Move, Refusal> refused = new HashMap<>();

	RefusedMoves(Duration leaseDuration) {
		this.leaseDuration = leaseDuration;
	}

	/** {@code move} was not accepted at {@code nowNanos}; returns how long it is now left out. */
	Duration refused(RoleBalance.Move move, long nowNanos) {
		Refusal earlier = this.refused.get(move);
		Duration most = this.leaseDuration.multipliedBy(MOST_LEASES);
		Duration pause = (earlier == null) ? this.leaseDuration
				: (earlier.pause().multipliedBy(2).compareTo(most) > 0) ? most : earlier.pause().multipliedBy(2);
		this.refused.put(move, new Refusal(nowNanos + pause.toNanos(), pause));
		return pause;
	}

	/** The moves not to offer now. */
	Set<RoleBalance.Move> excluded(long nowNanos) {
		this.refused.values().removeIf((refusal) -> nowNanos - refusal.untilNanos() >= refusal.pause().toNanos());
		Set<RoleBalance.Move> excluded = new HashSet<>();
		this.refused.forEach((move, refusal) -> {
			if (nowNanos - refusal.untilNanos() < 0) {
				excluded.add(move);
			}
		});
		return excluded;
	}

	private record Refusal(long untilNanos, Duration pause) {
	}

}
