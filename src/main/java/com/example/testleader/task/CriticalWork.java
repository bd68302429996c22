package com.example.testleader.task;

import java.util.List;

import com.example.testleader.election.LeaderTerm;

/**
 * Work that must never run on two replicas at once. While this replica leads a role, the
 * scheduler calls every bean of this type that runs under that role, in order, once per
 * period.
 *
 * <p>
 * A run should be short and react to interruption: when leadership is lost, a run still
 * in flight is interrupted {@code test-leader.task.stop-timeout} after the term lapsed (at
 * once, if the process wakes from a freeze later than that). A run that makes several
 * side effects should check {@link LeaderTerm#isValid()} right before each and stop once
 * it is false. Pass {@link LeaderTerm#fencingToken()} to every downstream system that can
 * check it: that alone covers a process frozen between its check and its side effect.
 *
 * <p>
 * Each role is one Lease, named after the role, and is led by one replica at a time; the
 * roles are spread over the replicas. Work that must not overlap with other work shares
 * its role; work that may run beside it gets a role of its own.
 */
@FunctionalInterface
public interface CriticalWork {

	void run(LeaderTerm term) throws Exception;

	/**
	 * The roles this work runs under (the names of their Leases: lower-case letters,
	 * digits, '-' and '.'), one schedule each; empty (the default) means the default role,
	 * {@code test-leader.election.lease-name} ({@code test-lease}).
	 */
	default List<String> roles() {
		return List.of();
	}

}
