package com.example.testleader.election;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this process runs, for the Lease ({@link HolderPod}), and what followers need to
 * take over before the lease expires: the view of the pods and the rule
 * ({@link ProcessGone}).
 * <p>
 * Internal: for the election's own packages.
 */
public final class EarlyTakeover {

	private static final Logger log = LoggerFactory.getLogger(EarlyTakeover.class);

	/** Off: nothing is written about the pod, nothing is watched, everything is waited out. */
	public static final EarlyTakeover OFF = new EarlyTakeover(null, null);

	private final HolderPod here;

	private final PodWatch pods;

	private final ProcessGone rule;

	// What this election told the shared pod watch to call, to stop it again.
	private volatile Runnable listener;

	/**
	 * @param here where this process runs, or {@code null} if it does not know (no POD_UID)
	 * @param pods the view of the application's pods, or {@code null} to look at none
	 */
	public EarlyTakeover(HolderPod here, PodWatch pods) {
		this.here = here;
		this.pods = pods;
		this.rule = new ProcessGone((pods != null) ? pods : ProcessGone.PodView.NONE);
	}

	/** What this process writes with its terms about where it runs. */
	Optional<HolderPod> here() {
		return Optional.ofNullable(this.here);
	}

	/**
	 * Why the holder of the Lease as last seen is gone, if the API proves it; never for a
	 * record whose fencing token is below one already seen (a restored or hand-written
	 * record: the live holder's term is newer than the one it names).
	 */
	Optional<String> proof(Observation seen) {
		LeaseRecord record = seen.record();
		if (record == null || record.fencingToken() < seen.lastToken()) {
			return Optional.empty();
		}
		return this.rule.proof(record);
	}

	void start(String lease, Runnable changed) {
		if (this.pods != null) {
			this.listener = changed;
			this.pods.listen(changed);
			log.info("Lease {}: a follower takes over before the lease expires when the kubelet reports its holder's "
					+ "container gone", lease);
		}
	}

	void stop() {
		Runnable current = this.listener;
		if (this.pods != null && current != null) {
			this.pods.stopListening(current);
		}
	}

}
