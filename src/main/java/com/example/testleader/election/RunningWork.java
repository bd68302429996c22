package com.example.testleader.election;

import java.util.Optional;

/**
 * Work that may outlive its term. The elector releases the Lease of a role only when the
 * revocation's listeners have returned <em>and</em> no {@code RunningWork} reports work of
 * an ended term of that role still running: a revocation listener's failure can be lost
 * on the way (an error handler on Spring's event multicaster swallows it, for one), this
 * answer cannot. The critical tasks are one.
 */
@FunctionalInterface
public interface RunningWork {

	RunningWork NONE = (role) -> Optional.empty();

	/**
	 * Why the Lease of {@code role} must not be released yet (work of an ended term still
	 * runs); empty if none.
	 */
	Optional<String> stillRunning(String role);

}
