package com.example.testleader.election.takeover;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

import com.example.testleader.election.LeaseRecord;

/**
 * The rule by which a follower may take the Lease before it expires: only when the
 * Kubernetes API shows that <em>the process that holds the term can no longer run</em>.
 * Everything else waits out the lease.
 *
 * <p>
 * The holder names its pod UID, its container and the beginning of its term with every
 * term ({@link HolderPod}). A container runs one instance at a time, and a new instance
 * starts only after the previous one has exited. So the holder's process is gone when, in
 * the status the kubelet reported for that pod (by UID, so a pod recreated under the same
 * name never counts), the holder's container:
 * <ul>
 * <li>is {@code terminated}, or, with no instance running (waiting to restart:
 * CrashLoopBackOff), shows a {@code lastState.terminated}, that finished after the term
 * began: the instance that stopped was, or came after, the one that began the term, and
 * it has stopped;</li>
 * <li>is {@code running} an instance that started after the term began: the term was
 * begun by an earlier instance, which has exited.</li>
 * </ul>
 * While an instance runs, the previous one's exit is never proof: only the running
 * instance's start is compared. It would add nothing on a clock that only moves forward
 * (the running instance started after that exit), and with the node's clock stepped back
 * between the two instances it would carry a time after the running instance's own term
 * began, proving a live holder dead.
 * Requiring each time to be after the term began keeps a stale view (an older instance's
 * exit, seen before its restart and the new instance's own term) from counting. A deleted
 * pod counts by its last reported status: a graceful deletion ends only after the kubelet
 * stopped the containers (terminated), while a force-deleted pod's last status still says
 * running, which proves nothing.
 *
 * <p>
 * There is no shortcut for "this replica runs in the holder's own container": a container
 * can run two processes of this application at once ({@code kubectl exec}), so only the
 * kubelet's account of the container's instances counts.
 *
 * <p>
 * The kubelet's times and the term's beginning are readings of one clock, that of the
 * node the pod is bound to. The kubelet's have whole-second precision and are truncated,
 * so never later than the truth. The holder moves its reading forward by any backward
 * step of the clock since its process started ({@link SteppedClock}), so a step cannot
 * make a live holder's container look restarted after its term began. {@link #MARGIN} (one
 * second) is demanded on top. What remains: a backward step that comes after an instance
 * exits and before the next one's process starts, larger than the time between the two,
 * seen together with a pod view that still shows the old exit. Not proof either, and so
 * waited out: a pod missing from what this replica has seen, a view of the pods not in
 * sync (or not permitted), a node that is NotReady or unreachable (its pods still show
 * running), a holder record without a pod or without its term's beginning (written by
 * something else, or an older version of this service), and a record whose fencing token
 * is below one this replica has seen (a restored or hand-written record: the live
 * holder's term is newer).
 */
final class ProcessGone {

	static final Duration MARGIN = Duration.ofSeconds(1);

	private final PodView pods;

	/** @param pods what this replica has seen of the application's pods */
	ProcessGone(PodView pods) {
		this.pods = pods;
	}

	/** Why the process that holds {@code record}'s term is gone, if the API proves it. */
	Optional<String> proof(LeaseRecord record) {
		Optional<HolderPod> holder = (record != null) ? HolderPod.of(record) : Optional.empty();
		if (holder.isEmpty()) {
			return Optional.empty();
		}
		HolderPod where = holder.get();
		Optional<ContainerStatus> status = this.pods.lastSeen(where.podUid()).flatMap((pod) -> status(pod, where));
		ZonedDateTime began = where.termBegan().plus(MARGIN).atZone(ZoneOffset.UTC);
		return status.flatMap((seen) -> {
			ContainerState state = (seen.getState() != null) ? seen.getState() : new ContainerState();
			ContainerState last = (seen.getLastState() != null) ? seen.getLastState() : new ContainerState();
			if (state.getRunning() != null) {
				return restarted(state.getRunning(), began, where);
			}
			return terminated(state.getTerminated(), began, where)
				.or(() -> terminated(last.getTerminated(), began, where));
		});
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

	private static Optional<ContainerStatus> status(Pod pod, HolderPod where) {
		if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
			return Optional.empty();
		}
		return pod.getStatus()
			.getContainerStatuses()
			.stream()
			.filter((status) -> where.container().equals(status.getName()))
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

		/**
		 * The pod with {@code uid} as last seen, a deleted one with its last status; empty
		 * if not seen, or if the view is not in sync with the API.
		 */
		Optional<Pod> lastSeen(String uid);

	}

}
