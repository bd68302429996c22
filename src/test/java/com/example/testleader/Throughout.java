package com.example.testleader;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * A claim that holds for a whole window: every sample, from the first, must meet it.
 *
 * <p>
 * Awaitility's own {@code await().during(window).atMost(longer)} starts the window again
 * after a sample that fails it, and passes once the condition has held for one window
 * before {@code atMost}: a leader that lost its Lease for a moment, or a role released and
 * taken back, would pass a "never" written that way. Here the first failing sample fails
 * the wait, so the window must begin where the claim is already true (wait for that first,
 * with a plain {@code await()}).
 */
public final class Throughout {

	private Throughout() {
	}

	/** {@code await().during(window)}, failing at the first sample that does not meet the condition. */
	public static ConditionFactory throughout(Duration window) {
		return Awaitility.await().during(window).conditionEvaluationListener((condition) -> {
			if (!condition.isSatisfied()) {
				throw new AssertionError("Did not hold throughout " + window + ", failed after "
						+ Duration.ofMillis(condition.getElapsedTimeInMS()) + ": " + condition.getDescription());
			}
		});
	}

}
