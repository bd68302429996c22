package com.example.testleader.election.roles;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.takeover.PodWatch;

/**
 * Who holds which role and who may take one, as this replica sees it now, for
 * {@link RoleBalance}: the holders from the electors, the members from the application's
 * pods ({@link PodWatch#members()}) once they have shown this replica's own pod (ready or
 * not: that tells that replica names are pod names, for the life of the process), else the
 * holders; their revisions; the roles a preferred holder places. Never calls the API server.
 */
final class RoleView {

	private final Map<String, LeaseElector> electors;

	private final String self;

	private final String identity;

	private final PodWatch pods;

	// Whether the view of the pods has shown this replica's own pod: replica names are pod names. Never unset.
	private volatile boolean podsNameReplicas;

	RoleView(Map<String, LeaseElector> electors, PodIdentity pod, PodWatch pods) {
		this.electors = electors;
		this.self = pod.podName();
		this.identity = pod.holderIdentity();
		this.pods = pods;
	}

	/** Whether the pods have shown this replica's own pod, so that their names are replicas'. */
	boolean podsNameReplicas() {
		return this.podsNameReplicas;
	}

	/**
	 * What this replica sees now.
	 * @param member whether to count this replica among the members
	 */
	RoleBalance of(boolean member) {
		Map<String, String> holders = new LinkedHashMap<>();
		Set<String> holding = new TreeSet<>();
		Set<String> pinned = new TreeSet<>();
		this.electors.forEach((role, elector) -> {
			if (elector.preferredHolder().isPresent()) {
				pinned.add(role);
			}
			String holder = elector.liveHolder().map(this::replicaOf).orElse(null);
			holders.put(role, holder);
			if (holder != null) {
				holding.add(holder);
			}
		});
		Set<String> members = new TreeSet<>(podMembers().orElse(holding));
		if (member) {
			members.add(this.self);
		}
		else {
			members.remove(this.self);
		}
		Map<String, Integer> revisions = this.pods.revisionRanks()
			.filter((ranks) -> this.podsNameReplicas)
			.orElse(Map.of());
		return new RoleBalance(this.self, members, holders, revisions, pinned);
	}

	/**
	 * The replica a holder identity names: its pod, except for an earlier process of this
	 * very pod (a restarted container), which is another replica, and no member: its roles
	 * are not this one's to give.
	 */
	private String replicaOf(String holder) {
		String replica = PodIdentity.replicaOf(holder);
		return (replica.equals(this.self) && !holder.equals(this.identity)) ? holder : replica;
	}

	/**
	 * The ready pods, if the view of them is in sync and shows, or once showed, this
	 * replica's own pod: when it leaves, its pod is already marked for deletion (or no
	 * longer ready), and the others are still to be known.
	 */
	private Optional<Set<String>> podMembers() {
		Optional<Set<String>> ready = this.pods.members();
		if (ready.isPresent() && (ready.get().contains(this.self)
				|| this.pods.revisionRanks().filter((all) -> all.containsKey(this.self)).isPresent())) {
			// its own pod, ready or not (being deleted, as when it leaves): pods name replicas
			this.podsNameReplicas = true;
		}
		return ready.filter((names) -> this.podsNameReplicas);
	}

}
