package com.example.testleader.election.takeover;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * How new each pod's revision is. A revision is a {@value #TEMPLATE_HASH} label (the pod
 * template the ReplicaSet controller stamps on each of its pods); revisions rank by the
 * creation of their newest pod, since the controller creates pods only for the revision
 * it rolls out (a rollback included: its pods are then the newest) and deletes the
 * others'. It needs nothing beyond the pods themselves; what it cannot see is a pod of an
 * older revision created during a rollout (its ReplicaSet replacing an evicted pod), which
 * then ranks as newest until the next new pod. Pods without the label make one revision
 * of their own; a pod without a creation time counts as the oldest.
 */
final class PodRevisions {

	/** The label by which the ReplicaSet controller names a pod's template (its revision). */
	static final String TEMPLATE_HASH = "pod-template-hash";

	private PodRevisions() {
	}

	/** Each of {@code pods}' rank by name: 0 for the oldest revision, higher for newer ones. */
	static Map<String, Integer> ranks(List<Pod> pods) {
		Map<String, Instant> newestByRevision = new HashMap<>();
		for (Pod pod : pods) {
			newestByRevision.merge(revision(pod), created(pod), (a, b) -> a.isAfter(b) ? a : b);
		}
		List<String> oldestFirst = newestByRevision.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
			.map(Map.Entry::getKey)
			.toList();
		return pods.stream()
			.collect(Collectors.toUnmodifiableMap((pod) -> pod.getMetadata().getName(),
					(pod) -> oldestFirst.indexOf(revision(pod)), (a, b) -> a));
	}

	private static String revision(Pod pod) {
		Map<String, String> labels = pod.getMetadata().getLabels();
		String hash = (labels != null) ? labels.get(TEMPLATE_HASH) : null;
		return (hash != null) ? hash : "";
	}

	private static Instant created(Pod pod) {
		String created = pod.getMetadata().getCreationTimestamp();
		try {
			return (created != null) ? Instant.parse(created) : Instant.EPOCH;
		}
		catch (DateTimeParseException ex) {
			return Instant.EPOCH;
		}
	}

}
