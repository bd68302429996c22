package com.example.testleader.benchmark;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import com.example.testleader.local.KubeletStandIn;

/**
 * The pods a cluster's replicas run in, kept as a kubelet would through a
 * {@link KubeletStandIn}: a replica's pod is created before its process starts, its exit and
 * (with {@link Cluster.Pods#READY_WITH_REPLICA}) its readiness are reported after the
 * kubelet's delay, and the pod faults: a node lost or a pod force-deleted (nothing more is
 * reported), a pod deleted. The benchmark's own watch of the pods times the reports as they
 * land ({@code REPORTED}, {@code POD_READY}). With {@link Cluster.Pods#NONE} the replicas run
 * in no pod and nothing is reported.
 */
final class ReplicaPods implements AutoCloseable {

	private final Cluster.Pods pods;

	private final Events events;

	private final KubeletStandIn kubelet;

	/** Pods the benchmark's watch sees reported ready. */
	private final Set<String> readyPods = ConcurrentHashMap.newKeySet();

	/** Replicas the kubelet says nothing more of: their node is lost, or their pod is gone. */
	private final Set<String> unreported = ConcurrentHashMap.newKeySet();

	/** Replicas whose pod goes once their exit is reported ({@link Cluster#deletePodForGood}). */
	private final Set<String> removedOnExit = ConcurrentHashMap.newKeySet();

	private volatile boolean closing;

	ReplicaPods(KubernetesClient admin, Cluster.Pods pods, Duration kubeletDelay, Events events) {
		this.pods = pods;
		this.events = events;
		this.kubelet = new KubeletStandIn(admin, "default", kubeletDelay);
		if (pods != Cluster.Pods.NONE) {
			admin.pods().inNamespace("default").watch(new Watcher<Pod>() {

				@Override
				public void eventReceived(Action action, Pod pod) {
					// not again when the object goes after its exit was reported
					terminated(pod).filter((state) -> action != Action.DELETED).ifPresent((state) -> ReplicaPods.this.events.add(pod.getMetadata().getName(),
							Events.Kind.REPORTED, "kubelet: exit " + state.getExitCode()));
					if (pods == Cluster.Pods.READY_WITH_REPLICA) {
						readinessSeen(pod);
					}
				}

				@Override
				public void onClose(WatcherException cause) {
				}

			});
		}
	}

	private static Optional<ContainerStateTerminated> terminated(Pod pod) {
		if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
			return Optional.empty();
		}
		return pod.getStatus()
			.getContainerStatuses()
			.stream()
			.map(ContainerStatus::getState)
			.filter((state) -> state != null && state.getTerminated() != null)
			.map((state) -> state.getTerminated())
			.findFirst();
	}

	/** A pod reported ready that was not before: {@code POD_READY}, when the others can see it. */
	private void readinessSeen(Pod pod) {
		String name = pod.getMetadata().getName();
		boolean ready = pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
				&& pod.getStatus().getContainerStatuses().stream().allMatch((status) -> Boolean.TRUE.equals(status.getReady()));
		if (!ready) {
			this.readyPods.remove(name);
		}
		else if (this.readyPods.add(name)) {
			this.events.add(name, Events.Kind.POD_READY, "kubelet: ready");
		}
	}

	/**
	 * Creates the pod of the replica {@code name}, running, or starting where its readiness
	 * follows the replica's: its UID for the replica's POD_UID, or empty in no pod.
	 */
	Optional<String> create(String name) {
		return switch (this.pods) {
			case READY_AT_ONCE -> Optional.of(this.kubelet.podStarted(name));
			case READY_WITH_REPLICA -> Optional.of(this.kubelet.podStarting(name));
			case NONE -> Optional.empty();
		};
	}

	/**
	 * What the kubelet does when the replica's readiness probe passes: reports the pod ready,
	 * after its delay (up to a probe period in a real kubelet; one delay here).
	 */
	void readinessProbePassed(String name) {
		if (this.pods == Cluster.Pods.READY_WITH_REPLICA && !this.closing) {
			this.kubelet.ready(name);
		}
	}

	/** What the kubelet does when a container's process exits: reports it, after its delay. */
	void exited(String name, int status) {
		if (this.pods != Cluster.Pods.NONE && !this.closing && !this.unreported.contains(name)) {
			if (this.removedOnExit.contains(name)) {
				this.kubelet.deletedGracefully(name);
			}
			else {
				this.kubelet.exited(name, status, (status == 0) ? "Completed" : "Error");
			}
		}
	}

	/** See {@link Cluster#loseNode}. */
	void loseNode(ReplicaProcess replica) {
		this.unreported.add(replica.name);
		this.events.add(replica.name, Events.Kind.FAULT, "node lost");
	}

	/** See {@link Cluster#forceDeletePod}. */
	void forceDelete(ReplicaProcess replica) {
		this.unreported.add(replica.name);
		this.kubelet.forceDeleted(replica.name);
		this.events.add(replica.name, Events.Kind.FAULT, "pod force-deleted");
	}

	/** See {@link Cluster#deletePod}. */
	void delete(ReplicaProcess replica) {
		this.kubelet.terminating(replica.name);
	}

	/** See {@link Cluster#deletePodForGood}. */
	void deleteForGood(ReplicaProcess replica) {
		this.removedOnExit.add(replica.name);
		delete(replica);
	}

	/** Stops the stand-in; from now on no exit or readiness is reported. */
	@Override
	public void close() {
		this.closing = true;
		this.kubelet.close();
	}

}
