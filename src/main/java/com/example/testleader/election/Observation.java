package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What this replica last saw of the Lease, and when, on its own monotonic clock.
 *
 * <p>
 * This is client-go's rule: a holder's lease is over once the record has not changed for
 * its lease duration, counted from when <em>this</em> replica saw it change. The holder's
 * {@code renewTime} is never compared with the local wall clock, so an offset between
 * clocks cannot make a live lease look expired; only a difference in clock <em>rate</em>
 * matters. A deletion counts as a change, so a Lease deleted under its leader is re-created
 * only after a full lease duration.
 *
 * <p>
 * Two rules go beyond client-go, because a record may have been written by someone else
 * than this service ({@code kubectl edit}, another program):
 * <ul>
 * <li>The wait is the record's own {@code leaseDurationSeconds} or the locally configured
 * lease duration, whichever is longer: a record claiming a very short duration cannot
 * shorten the time this replica gives a holder to stop.</li>
 * <li>Only a record this process wrote itself, unchanged since, may be taken at once, and
 * only while no newer term has been seen: its fencing token is not below the highest this
 * replica has seen. A record that merely names this process's identity (copied by an
 * operator), or this process's own record written back after another replica's term
 * began (etcd restore, {@code kubectl replace} of a saved manifest), is waited out like any
 * other. A replica that never saw the newer term (cut off all through it) cannot tell its
 * own restored record from the one it left, and still takes it at once.</li>
 * </ul>
 * And one for moving a role on purpose: a release handed to one replica
 * ({@link LeaseRecord#handedTo()}) is taken at once by that replica only; the others wait
 * the handover grace from when they saw it, so that the move lands where it was meant to,
 * and still anyone takes the Lease if that replica does not.
 *
 * <p>
 * A change of metadata only (labels, annotations such as the handshake's acceptance) is no
 * renewal: the wait still counts from when the state was first seen, but the record kept
 * is the newest version, so that a take is written over the version the API holds and not
 * over an older one it refuses (409), again and again while the pods keep changing.
 *
 * <p>
 * Internal: for the election's own packages.
 *
 * @param record the Lease as last seen, {@code null} when it did not exist
 * @param observedAtNanos when it was first seen in this state ({@link Ticker} time), even
 * if {@code record} is a later version with other metadata only
 * @param observedAt the same moment on the wall clock, for display only
 * @param takeoverAfter how long after {@code observedAtNanos} the Lease may be taken
 * @param lastToken highest fencing token seen ({@link LeaseRecord#fencingToken()}),
 * {@code -1} if none
 */
public record Observation(LeaseRecord record, long observedAtNanos, Instant observedAt, Duration takeoverAfter,
		long lastToken) {

	/** Nothing seen yet: a Lease that does not exist may be created at once. */
	static Observation initial() {
		return new Observation(null, Long.MIN_VALUE, null, Duration.ZERO, -1);
	}

	boolean seenAnything() {
		return this.observedAt != null;
	}

	/**
	 * The observation after reading {@code seen} (null: not found) at {@code nowNanos};
	 * this one if nothing changed, and the same wait with {@code seen} as the record if
	 * only its metadata changed.
	 * @param configured this replica's lease duration: the least any holder is waited out
	 * @param replica this replica's name, which a release may be handed to
	 * @param handoverGrace how long a release handed to another replica is left to it
	 */
	Observation next(LeaseRecord seen, long nowNanos, Instant now, Duration configured, String replica,
			Duration handoverGrace) {
		if (seenAnything() && ((seen == null) ? this.record == null : seen.sameStateAs(this.record))) {
			return (seen == null || Objects.equals(seen.resourceVersion(), this.record.resourceVersion())) ? this
					: new Observation(seen, this.observedAtNanos, this.observedAt, this.takeoverAfter,
							Math.max(this.lastToken, seen.fencingToken()));
		}
		if (seen == null) {
			Duration lastDuration = (this.record != null) ? waitFor(this.record, configured) : Duration.ZERO;
			return new Observation(null, nowNanos, now, lastDuration, this.lastToken);
		}
		Duration wait = !seen.released() ? waitFor(seen, configured)
				: seen.handedTo().filter((to) -> !to.equals(replica)).isPresent() ? handoverGrace : Duration.ZERO;
		return new Observation(seen, nowNanos, now, wait, Math.max(this.lastToken, seen.fencingToken()));
	}

	/**
	 * Nanoseconds until this replica may take the Lease; zero if it may now.
	 * @param ownWrite the last record this process wrote, or {@code null}
	 */
	long nanosUntilAcquirable(long nowNanos, LeaseRecord ownWrite) {
		if (this.record != null && this.record.sameStateAs(ownWrite)
				&& this.record.fencingToken() >= this.lastToken) {
			return 0;
		}
		if (!seenAnything()) {
			return 0;
		}
		return Math.max(0, this.observedAtNanos + this.takeoverAfter.toNanos() - nowNanos);
	}

	/** The fencing token of the next term: one more than any token seen. */
	long nextToken() {
		return this.lastToken + 1;
	}

	String holder() {
		return (this.record != null) ? this.record.holder() : null;
	}

	/** Whether {@code other} saw the same holder, or the same kind of release (or none). */
	boolean sameHoldingAs(Observation other) {
		return Objects.equals(holder(), other.holder()) && released() == other.released()
				&& Objects.equals(handedTo(), other.handedTo());
	}

	private boolean released() {
		return this.record != null && this.record.released();
	}

	private String handedTo() {
		return (this.record != null) ? this.record.handedTo().orElse(null) : null;
	}

	private static Duration waitFor(LeaseRecord record, Duration configured) {
		Duration own = record.leaseDuration().orElse(configured);
		return (own.compareTo(configured) > 0) ? own : configured;
	}

}
