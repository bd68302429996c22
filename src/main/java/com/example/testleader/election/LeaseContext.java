package com.example.testleader.election;

import org.springframework.integration.leader.Context;

/**
 * The {@link Context} of one {@link LeaderTerm}, carried by Spring Integration's
 * {@code OnGrantedEvent} and {@code OnRevokedEvent}.
 *
 * <p>
 * {@link #isLeader()} is live: it turns false as soon as the term ends or its renew
 * deadline passes, even before the revocation event has been delivered. {@link #yield()}
 * hands leadership over: the work is revoked, the Lease released, and this replica stays
 * out of the competition long enough for another one to take it.
 */
public final class LeaseContext implements Context {

	private final Terms elector;

	private final LeaderTerm term;

	LeaseContext(Terms elector, LeaderTerm term) {
		this.elector = elector;
		this.term = term;
	}

	public LeaderTerm term() {
		return this.term;
	}

	public long fencingToken() {
		return this.term.fencingToken();
	}

	@Override
	public boolean isLeader() {
		return this.elector.isLeading(this);
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
