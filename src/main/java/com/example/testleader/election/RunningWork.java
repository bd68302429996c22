package com.example.testleader.election;

import java.util.Optional;

/**
 * Work that may outlive its term. The elector releases the Lease only when the
 * revocation's listeners have returned <em>and</em> no {@code RunningWork} reports work of
 * an ended term still running: a revocation listener's failure can be lost on the way
 * (an error handler on Spring's event multicaster swallows it, for one), this answer
 * cannot. The critical-task scheduler is one.
 */
@FunctionalInterface
public interface RunningWork {

	RunningWork NONE = Optional::empty;

	/** Why the Lease must not be released yet (work of an ended term still runs); empty if none. */
	Optional<String> stillRunning();

}
