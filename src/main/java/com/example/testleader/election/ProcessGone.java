package com.example.testleader.election;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The rule by which a follower may take the Lease before it expires: only when the
 * Kubernetes API shows that <em>the process that holds the term can no longer run</em>.
 * Everything else waits out the lease.
 *
 * <p>
 * The holder names its pod UID and container with every term ({@link HolderPod}). A
 * container runs one instance at a time, and a new instance starts only after the
 * previous one has exited. So the holder's process is gone when, in the status the
 * kubelet reported for that pod (by UID, so a pod recreated under the same name never
 * counts):
 * <ul>
 * <li>its container is {@code terminated} and finished after the term began: nothing
 * runs in that container, and the instance that stopped was, or came after, the one that
 * began the term. Requiring the finish to be after the term's start keeps a stale view
 * (an older instance's termination, seen before its restart and the new instance's own
 * term) from counting;</li>
 * <li>its container is {@code running} an instance that started after the term began:
 * the term was begun by an earlier instance, which has exited;</li>
 * <li>this very replica runs in the holder's container, as another process: the holder
 * was this container's previous process.</li>
 * </ul>
 * A deleted pod counts by its last reported status: a graceful deletion ends only after
 * the kubelet stopped the containers (terminated), while a force-deleted pod's last status
 * still says running, which proves nothing.
 *
 * <p>
 * The term's {@code acquireTime} comes from the holder's clock and the kubelet's times
 * from the kubelet's: both are the clock of the node the pod is bound to. The kubelet's
 * times have whole-second precision and are truncated, so they are never later than the
 * truth, which only makes the comparisons more cautious. {@link #MARGIN} (one second) is
 * demanded on top, against a step of the node's clock between the two readings; time
 * synchronisation slews small offsets rather than stepping, so one second is enough. A
 * holder that dies within that second of beginning its term is waited out.
 *
 * <p>
 * Not proof, and so waited out: a pod missing from what this replica has seen, a view of
 * the pods not in sync (or not permitted), a node that is NotReady or unreachable (its
 * pods still show running), a holder record without a pod (written by something else, or
 * an older version of this service).
 */
final class ProcessGone {

	static final Duration MARGIN = Duration.ofSeconds(1);

	private final HolderPod self;

	private final PodView pods;

	/**
	 * @param self where this process runs, or {@code null} if unknown
	 * @param pods what this replica has seen of the application's pods
	 */
	ProcessGone(HolderPod self, PodView pods) {
		this.self = self;
		this.pods = pods;
	}

	/** Why the process that holds {@code record}'s term is gone, if the API proves it. */
	Optional<String> proof(LeaseRecord record) {
		if (record == null || record.acquireTime() == null) {
			return Optional.empty();
		}
		Optional<HolderPod> holder = record.holderPod();
		if (holder.isEmpty()) {
			return Optional.empty();
		}
		HolderPod where = holder.get();
		if (this.self != null && this.self.sameContainer(where) && !this.self.identity().equals(where.identity())) {
			return Optional.of("this replica's own container runs a new process: the holder " + where.identity()
					+ " was its previous one");
		}
		Optional<ContainerState> state = this.pods.lastSeen(where.podUid()).flatMap((pod) -> state(pod, where));
		ZonedDateTime began = record.acquireTime().plus(MARGIN);
		return state.flatMap((seen) -> terminated(seen.getTerminated(), began, where)
			.or(() -> restarted(seen.getRunning(), began, where)));
	}

	private static Optional<String> terminated(ContainerStateTerminated terminated, ZonedDateTime began,
			HolderPod where) {
		if (terminated == null || !atOrAfter(terminated.getFinishedAt(), began)) {
			return Optional.empty();
		}
		return Optional.of("container " + where.container() + " of the holder's pod (uid " + where.podUid()
				+ ") terminated at " + terminated.getFinishedAt() + " (exit code " + terminated.getExitCode()
				+ ((terminated.getReason() != null) ? ", " + terminated.getReason() : "") + ")");
	}

	private static Optional<String> restarted(ContainerStateRunning running, ZonedDateTime began, HolderPod where) {
		if (running == null || !atOrAfter(running.getStartedAt(), began)) {
			return Optional.empty();
		}
		return Optional.of("container " + where.container() + " of the holder's pod (uid " + where.podUid()
				+ ") restarted at " + running.getStartedAt() + ", after the term began");
	}

	private static Optional<ContainerState> state(Pod pod, HolderPod where) {
		if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
			return Optional.empty();
		}
		return pod.getStatus()
			.getContainerStatuses()
			.stream()
			.filter((status) -> where.container().equals(status.getName()))
			.map(ContainerStatus::getState)
			.filter((state) -> state != null)
			.findFirst();
	}

	private static boolean atOrAfter(String kubeletTime, ZonedDateTime reference) {
		if (kubeletTime == null) {
			return false;
		}
		try {
			return !ZonedDateTime.parse(kubeletTime).isBefore(reference);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** What a replica has seen of its application's pods. */
	interface PodView {

		/** Never proves anything: early takeover is off. */
		PodView NONE = (uid) -> Optional.empty();

		/**
		 * The pod with {@code uid} as last seen, a deleted one with its last status; empty
		 * if not seen, or if the view is not in sync with the API.
		 */
		Optional<Pod> lastSeen(String uid);

	}

}
