package com.example.testleader.election;

/**
 * Told, on the election's own thread, what the elector does: for metrics. Implementations
 * must return at once (a counter increment, not I/O); they run between renewals.
 */
public interface ElectionObserver {

	ElectionObserver NONE = new ElectionObserver() {
	};

	/** This replica began a term. */
	default void acquired(LeaderTerm term) {
	}

	/** This replica's term ended. */
	default void lost(LeaderTerm term, StepDownReason reason) {
	}

	/** The leader tried to renew. */
	default void renewal(RenewalOutcome outcome) {
	}

	/** How a renewal attempt ended. */
	enum RenewalOutcome {

		/** The Lease was renewed. */
		SUCCESS,

		/** Someone else changed or removed the Lease. */
		CONFLICT,

		/** The API server answered with an error, or could not be reached. */
		ERROR,

		/** No answer in time: the call was cut off. */
		TIMEOUT

	}

}
