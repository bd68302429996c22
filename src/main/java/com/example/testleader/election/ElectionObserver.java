package com.example.testleader.election;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

/**
 * Told, on the election's own thread, what the elector does: for metrics and Kubernetes
 * Events. One observer hears every role's elector; {@link LeaderTerm#role()} tells them
 * apart. Implementations must return at once (a counter increment, a hand-off that never
 * waits; not I/O): they run between renewals, and one that blocks stalls the election
 * (which the liveness probe then reports).
 */
public interface ElectionObserver {

	ElectionObserver NONE = new ElectionObserver() {
	};

	/** All of {@code observers}, in order; one that throws does not stop the others. */
	static ElectionObserver all(List<ElectionObserver> observers) {
		return new ElectionObserver() {

			@Override
			public void acquired(LeaderTerm term) {
				acquired(term, Optional.empty());
			}

			@Override
			public void acquired(LeaderTerm term, Optional<String> earlyTakeover) {
				each((observer) -> observer.acquired(term, earlyTakeover));
			}

			@Override
			public void lost(LeaderTerm term, StepDownReason reason) {
				each((observer) -> observer.lost(term, reason));
			}

			@Override
			public void ended(LeaderTerm term, StepDownReason reason, boolean released, String handedTo) {
				each((observer) -> observer.ended(term, reason, released, handedTo));
			}

			@Override
			public void renewal(LeaderTerm term, RenewalOutcome outcome) {
				each((observer) -> observer.renewal(term, outcome));
			}

			private void each(Consumer<ElectionObserver> call) {
				for (ElectionObserver observer : observers) {
					try {
						call.accept(observer);
					}
					catch (RuntimeException ex) {
						LoggerFactory.getLogger(ElectionObserver.class).warn("Election observer {} failed", observer, ex);
					}
				}
			}

		};
	}

	/** This replica began a term. */
	default void acquired(LeaderTerm term) {
	}

	/**
	 * This replica began a term, taking the Lease before it expired or not. Observers that
	 * do not care how override {@link #acquired(LeaderTerm)}, which this calls.
	 * @param earlyTakeover for a take before the Lease expired, why the previous holder's
	 * process was known to be gone (as in {@link LeaderChanged#earlyTakeover()}); else empty
	 */
	default void acquired(LeaderTerm term, Optional<String> earlyTakeover) {
		acquired(term);
	}

	/** This replica's term ended: it no longer leads, and its work is being revoked. */
	default void lost(LeaderTerm term, StepDownReason reason) {
	}

	/**
	 * The step-down that {@link #lost} announced is over: the work was revoked and, if it
	 * stopped in time, the Lease released. Told after the release, so that what an
	 * observer does here (an Event sent) does not compete with the handover.
	 * @param released whether the Lease was released (after a deletion: created again,
	 * released); if not, the others take it once it expires
	 * @param handedTo the replica the release was handed to, or {@code null}
	 */
	default void ended(LeaderTerm term, StepDownReason reason, boolean released, String handedTo) {
	}

	/** The leader tried to renew {@code term}. */
	default void renewal(LeaderTerm term, RenewalOutcome outcome) {
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
