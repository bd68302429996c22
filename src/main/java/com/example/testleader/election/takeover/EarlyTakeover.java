package com.example.testleader.election.takeover;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.HolderProcess;
import com.example.testleader.election.LeaseRecord;
import com.example.testleader.election.Observation;
import com.example.testleader.election.Ticker;

/**
 * Where this process runs, for the Lease ({@link HolderPod}), and what followers need to
 * take over before the lease expires: the view of the pods and the rule
 * ({@link ProcessGone}). Off, it is {@link HolderProcess#NONE}.
 * <p>
 * Internal: for the election's own packages.
 */
public final class EarlyTakeover implements HolderProcess {

	private static final Logger log = LoggerFactory.getLogger(EarlyTakeover.class);

	private final HolderPod here;

	private final PodWatch pods;

	private final ProcessGone rule;

	// What this election told the shared pod watch to call, to stop it again.
	private volatile Runnable listener;

	/**
	 * @param here where this process runs
	 * @param pods the view of the application's pods
	 */
	public EarlyTakeover(HolderPod here, PodWatch pods) {
		this.here = here;
		this.pods = pods;
		this.rule = new ProcessGone(pods);
	}

	/**
	 * Where this process runs and when the term began: the beginning read from this
	 * process's wall clock, moved forward by any backward step since the JVM started
	 * ({@link SteppedClock}).
	 */
	@Override
	public Supplier<Optional<String>> stamps(Clock clock, Ticker ticker) {
		SteppedClock began = SteppedClock.sinceJvmStart(clock, ticker);
		return () -> Optional.of(this.here.beganAt(began.now()).annotation());
	}

	/**
	 * Why the holder of the Lease as last seen is gone, if the API proves it; never for a
	 * record whose fencing token is below one already seen (a restored or hand-written
	 * record: the live holder's term is newer).
	 */
	@Override
	public Optional<String> proof(Observation seen) {
		LeaseRecord record = seen.record();
		if (record == null || record.fencingToken() < seen.lastToken()) {
			return Optional.empty();
		}
		return this.rule.proof(record);
	}

	@Override
	public void start(String lease, Runnable changed) {
		this.listener = changed;
		this.pods.listen(changed);
		log.info("Lease {}: a follower takes over before the lease expires when the kubelet reports its holder's "
				+ "container gone", lease);
	}

	@Override
	public void stop() {
		Runnable current = this.listener;
		if (current != null) {
			this.pods.stopListening(current);
		}
	}

}
