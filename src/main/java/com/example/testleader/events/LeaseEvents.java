package com.example.testleader.events;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;

/**
 * Turns this replica's transitions into Kubernetes Events on the Lease, as client-go's
 * leader election does ("became leader", "stopped leading"), with the fencing token and
 * the cause. It is told on the election's thread and only hands the change to
 * {@link LeaseEventQueue}, which never waits: a slow or failing events API cannot delay a
 * renewal. The end of a term is offered once its step-down is over (with what became of
 * the Lease), so that its request does not compete with the release's; it keeps the time
 * the term ended.
 */
final class LeaseEvents implements ElectionObserver {

	private final LeaseEventQueue queue;

	private final Clock clock;

	// Terms whose step-down is under way, and when they ended: one per role at most.
	private final Map<LeaderTerm, Instant> ending = new ConcurrentHashMap<>();

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
		this.ending.put(term, this.clock.instant());
	}

	@Override
	public void ended(LeaderTerm term, StepDownReason reason, boolean released, String handedTo) {
		Instant at = this.ending.remove(term);
		this.queue.offer(LeadershipChange.stopped(term, reason, released, handedTo,
				(at != null) ? at : this.clock.instant()));
	}

}
