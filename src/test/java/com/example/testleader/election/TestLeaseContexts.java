package com.example.testleader.election;

import java.time.Duration;
import java.time.Instant;

/** Lease contexts for tests outside this package, with a term the test controls. */
public final class TestLeaseContexts {

	private TestLeaseContexts() {
	}

	/** A context valid until the test ends it; {@code yield()} is ignored. */
	public static LeaseContext context(String identity, long fencingToken, TermValidity validity) {
		LeaderTerm term = new LeaderTerm(identity, "test-lease", fencingToken, Instant.now(), validity);
		return new LeaseContext((context) -> {
		}, term);
	}

	/** A term valid for {@code duration} from now on the system's monotonic clock, never renewed. */
	public static TermValidity validFor(Duration duration) {
		return validFor(Ticker.SYSTEM, duration);
	}

	/** A term valid for {@code duration} from now on {@code ticker}, never renewed. */
	public static TermValidity validFor(Ticker ticker, Duration duration) {
		return new TermValidity(ticker, ticker.nanoTime() + duration.toNanos());
	}

	/** Renews {@code validity} as the elector would: valid for {@code duration} from now, unless it has lapsed. */
	public static boolean renew(TermValidity validity, Duration duration) {
		return validity.extend(System.nanoTime() + duration.toNanos());
	}

}
