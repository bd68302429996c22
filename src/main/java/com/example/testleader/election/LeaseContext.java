package com.example.testleader.election;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import org.springframework.integration.leader.Context;

/**
 * The {@link Context} of one {@link LeaderTerm}, carried by Spring Integration's
 * {@code OnGrantedEvent} and {@code OnRevokedEvent}.
 *
 * <p>
 * {@link #isLeader()} is live: it turns false as soon as the term ends or its renew
 * deadline passes, even before the revocation event has been delivered, and once false it
 * stays false. {@link #remaining()} tells how long the term is valid without another
 * renewal, so that work can hold itself to the term's own deadline whatever happens to
 * event delivery; the work itself is handed the same through {@link LeaderTerm#isValid()}
 * and {@link LeaderTerm#remaining()}. {@link #sinceLapse()} tells how long ago it lapsed,
 * however late that was noticed. {@link #yield()} hands leadership over: the work is
 * revoked, the Lease released, and this replica stays out of the competition long enough
 * for another one to take it.
 */
public final class LeaseContext implements Context {

	private final Terms elector;

	private final LeaderTerm term;

	private final TermValidity validity;

	LeaseContext(Terms elector, LeaderTerm term) {
		this.elector = elector;
		this.term = term;
		this.validity = term.validity();
	}

	public LeaderTerm term() {
		return this.term;
	}

	public long fencingToken() {
		return this.term.fencingToken();
	}

	@Override
	public boolean isLeader() {
		return this.validity.isValid();
	}

	/**
	 * How long this term stays valid without another successful renewal, on this
	 * replica's monotonic clock; {@link Duration#ZERO} once it has ended. A renewal moves
	 * the deadline later, so ask again when this time is up.
	 */
	public Duration remaining() {
		return Duration.ofNanos(this.validity.remainingNanos());
	}

	/**
	 * How long ago this term lapsed, on this replica's monotonic clock: since its renew
	 * deadline if that passed (however late anyone noticed, a process frozen past it
	 * included), else since it was ended; empty while it is valid. The stop timeout of
	 * the work counts from there.
	 */
	public Optional<Duration> sinceLapse() {
		OptionalLong lapsedAt = this.validity.lapsedAtNanos();
		return lapsedAt.isPresent() ? Optional.of(Duration.ofNanos(this.validity.nanosSince(lapsedAt.getAsLong())))
				: Optional.empty();
	}

	@Override
	public void yield() {
		this.elector.yield(this);
	}

	@Override
	public String getRole() {
		return this.term.role();
	}

	@Override
	public String toString() {
		return "LeaseContext{identity=" + this.term.identity() + ", role=" + this.term.role() + ", fencingToken="
				+ this.term.fencingToken() + ", leader=" + isLeader() + "}";
	}

}
