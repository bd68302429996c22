package com.example.testleader.events;

import java.time.Clock;
import java.util.Optional;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;

/**
 * Turns this replica's transitions into Kubernetes Events on the Lease, as client-go's
 * leader election does ("became leader", "stopped leading"), with the fencing token and
 * the cause. It is told on the election's thread and only hands the change to
 * {@link LeaseEventQueue}, which never waits: a slow or failing events API cannot delay a
 * renewal.
 */
final class LeaseEvents implements ElectionObserver {

	private final LeaseEventQueue queue;

	private final Clock clock;

	LeaseEvents(LeaseEventQueue queue, Clock clock) {
		this.queue = queue;
		this.clock = clock;
	}

	@Override
	public void acquired(LeaderTerm term, Optional<String> earlyTakeover) {
		this.queue.offer(LeadershipChange.became(term, earlyTakeover, this.clock.instant()));
	}

	@Override
	public void lost(LeaderTerm term, StepDownReason reason) {
		this.queue.offer(LeadershipChange.stopped(term, reason, this.clock.instant()));
	}

}
