package com.example.testleader.task;

import com.example.testleader.election.LeaderTerm;

/**
 * Work that must never run on two replicas at once. The scheduler calls every bean of this
 * type, in order, once per period while this replica leads.
 *
 * <p>
 * A run should be short and react to interruption: when leadership is lost, a run still
 * in flight gets {@code test-leader.task.stop-timeout} to finish before it is
 * interrupted. Pass {@link LeaderTerm#fencingToken()} to every downstream system that can
 * check it.
 */
@FunctionalInterface
public interface CriticalWork {

	void run(LeaderTerm term) throws Exception;

}
