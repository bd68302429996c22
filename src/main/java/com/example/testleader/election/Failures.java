package com.example.testleader.election;

import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed steps in a row: the backoff after one, and one log line when the API is reached
 * again (and one for each doubling of the count meanwhile, not one per failure). Confined
 * to the election's loop.
 */
final class Failures {

	private static final Logger log = LoggerFactory.getLogger(Failures.class);

	private final LeaseApi api;

	private final Cadence cadence;

	private int count;

	Failures(LeaseApi api, Cadence cadence) {
		this.api = api;
		this.cadence = cadence;
	}

	/** A renewal failed; the renewal itself decides when to try again. */
	void renewalFailed() {
		this.count++;
	}

	/** A follower's step failed: when to try again. */
	long acquisitionFailed(RuntimeException failure) {
		this.count++;
		long backoff = this.cadence.backoffNanos(this.count);
		if (Integer.bitCount(this.count) == 1) {
			log.warn("Could not reach Lease {} ({} failures in a row), retrying in {} ms: {}", this.api.describe(),
					this.count, TimeUnit.NANOSECONDS.toMillis(backoff), describe(failure));
		}
		log.debug("Election step for Lease {} failed", this.api.describe(), failure);
		return backoff;
	}

	void recovered() {
		if (this.count > 0) {
			log.info("Reached Lease {} again after {} failed attempts", this.api.describe(), this.count);
			this.count = 0;
		}
	}

	static String describe(Throwable failure) {
		return failure.getClass().getSimpleName() + ": " + failure.getMessage();
	}

}
