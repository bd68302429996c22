package com.example.testleader.election;

import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Lease contexts for tests outside this package, backed by a fake leadership source. */
public final class TestLeaseContexts {

	private TestLeaseContexts() {
	}

	/** A context whose {@code isLeader()} is {@code leading}; {@code yield()} is ignored. */
	public static LeaseContext context(String identity, long fencingToken, BooleanSupplier leading) {
		LeaderTerm term = new LeaderTerm(identity, "test-lease", fencingToken, Instant.now());
		return new LeaseContext(new Terms() {

			@Override
			public boolean isLeading(LeaseContext context) {
				return leading.getAsBoolean();
			}

			@Override
			public void yield(LeaseContext context) {
			}

		}, term);
	}

}
