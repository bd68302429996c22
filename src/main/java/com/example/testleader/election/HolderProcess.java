package com.example.testleader.election;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the Lease protocol asks of whatever knows where a holder's process runs (early
 * takeover, {@code election.takeover}): what this process stamps on a term it begins, and
 * whether the process holding the term last seen is gone. The protocol does not know
 * about pods: it writes the stamp into the record as it is given
 * ({@link LeaseRecord#HOLDER_PROCESS}), keeps it with its term, and takes the Lease
 * before it expires only on a proof this returns.
 * <p>
 * Internal: for the election's own packages.
 */
public interface HolderProcess {

	/** Early takeover off: nothing is stamped, nothing is watched, every holder is waited out. */
	HolderProcess NONE = new HolderProcess() {

		@Override
		public Supplier<Optional<String>> stamps(Clock clock, Ticker ticker) {
			return Optional::empty;
		}

		@Override
		public Optional<String> proof(Observation seen) {
			return Optional.empty();
		}

		@Override
		public void start(String lease, Runnable changed) {
		}

		@Override
		public void stop() {
		}

	};

	/**
	 * What this process stamps on each term it begins, asked when the term is written;
	 * set up once per elector, on its clocks. Empty: no stamp.
	 */
	Supplier<Optional<String>> stamps(Clock clock, Ticker ticker);

	/**
	 * Why the holder of the Lease as last seen is gone, if that is proven; empty means
	 * wait the lease out.
	 */
	Optional<String> proof(Observation seen);

	/** Calls {@code changed} whenever a proof may have appeared, from now on. */
	void start(String lease, Runnable changed);

	/** Stops what {@link #start} began. */
	void stop();

}
