package com.example.testleader.local;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Stands in for the kubelet where there is none (the in-process API): writes a Pod object
 * per replica and its container's status the way the kubelet would, with its delay
 * (about a second: the kubelet notices a container's exit on its next relist). Times are
 * written with whole-second precision, truncated, as the kubelet's are.
 *
 * <p>
 * It reports only what a kubelet could: a process that exits or restarts, and whether its
 * readiness probe passes. A replica that is merely cut off from the API, or whose node is
 * lost, gets no report at all.
 */
public final class KubeletStandIn implements AutoCloseable {

	public static final String CONTAINER = "test-leader";

	public static final Map<String, String> LABELS = Map.of("app.kubernetes.io/name", "test-leader");

	/** Holds a pod being deleted until the stand-in says its container stopped. */
	private static final String FINALIZER = "test-leader.example.com/kubelet-stand-in";

	private final KubernetesClient client;

	private final String namespace;

	private final Duration reportDelay;

	private final ScheduledExecutorService reports = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "kubelet-stand-in");
		thread.setDaemon(true);
		return thread;
	});

	public KubeletStandIn(KubernetesClient client, String namespace, Duration reportDelay) {
		this.client = client;
		this.namespace = namespace;
		this.reportDelay = reportDelay;
	}

	/** Creates the pod, its container running since now and ready; returns the pod's UID. */
	public String podStarted(String podName) {
		return create(podName, null, true);
	}

	/**
	 * Creates the pod, its container running since now but not ready until
	 * {@link #ready(String)}; returns the pod's UID.
	 */
	public String podStarting(String podName) {
		return create(podName, null, false);
	}

	/**
	 * As {@link #podStarting(String)}, for a pod of the Deployment's revision
	 * {@code templateHash} (its {@code pod-template-hash} label, as the ReplicaSet
	 * controller stamps it).
	 */
	public String podStarting(String podName, String templateHash) {
		return create(podName, templateHash, false);
	}

	/** The container's readiness probe passed: reported ready after the delay (the probe's period). */
	public void ready(String podName) {
		report(podName, (status) -> new ContainerStatusBuilder(status).withReady(true).build());
	}

	/** The container's readiness probe failed (its failure threshold): reported not ready after the delay. */
	public void notReady(String podName) {
		report(podName, (status) -> new ContainerStatusBuilder(status).withReady(false).build());
	}

	/**
	 * {@code kubectl delete pod}: the API server marks the pod at once
	 * ({@code deletionTimestamp}) and keeps it until the kubelet has stopped its container
	 * ({@link #deletedGracefully(String)}). The in-process API does the same for an object
	 * with a finalizer, and only then, so the stand-in holds one for the kubelet.
	 */
	public void terminating(String podName) {
		this.client.pods()
			.inNamespace(this.namespace)
			.withName(podName)
			.edit((pod) -> new PodBuilder(pod).editMetadata().addToFinalizers(FINALIZER).endMetadata().build());
		this.client.pods().inNamespace(this.namespace).withName(podName).delete();
	}

	private String create(String podName, String templateHash, boolean ready) {
		Map<String, String> labels = new HashMap<>(LABELS);
		if (templateHash != null) {
			labels.put("pod-template-hash", templateHash);
		}
		Pod pod = new PodBuilder().withNewMetadata()
			.withName(podName)
			.withNamespace(this.namespace)
			.withUid(UUID.randomUUID().toString())
			.withLabels(labels)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName(CONTAINER)
			.withImage("test-leader")
			.endContainer()
			.endSpec()
			.withNewStatus()
			.withPhase("Running")
			.withContainerStatuses(new ContainerStatusBuilder(running(0, now())).withReady(ready).build())
			.endStatus()
			.build();
		return this.client.pods().inNamespace(this.namespace).resource(pod).create().getMetadata().getUid();
	}

	/** The container's process exited: reported terminated after the delay. */
	public void exited(String podName, int exitCode, String reason) {
		Instant finished = now();
		report(podName, (status) -> new ContainerStatusBuilder(status).withReady(false)
			.withNewState()
			.withNewTerminated()
			.withExitCode(exitCode)
			.withReason(reason)
			.withStartedAt(startedAt(status))
			.withFinishedAt(finished.toString())
			.endTerminated()
			.endState()
			.build());
	}

	/** The container's process exited and a new one started: reported after the delay. */
	public void restarted(String podName) {
		Instant at = now();
		report(podName, (status) -> new ContainerStatusBuilder(running(status.getRestartCount() + 1, at))
			.withNewLastState()
			.withNewTerminated()
			.withExitCode(137)
			.withReason("Error")
			.withStartedAt(startedAt(status))
			.withFinishedAt(at.toString())
			.endTerminated()
			.endLastState()
			.build());
	}

	/**
	 * The kubelet started the container again after an exit already reported
	 * ({@link #exited}): a new instance running since now, not ready until its probe passes
	 * ({@link #ready(String)}), the exit as its last state; reported after the delay.
	 */
	public void startedAgain(String podName) {
		Instant at = now();
		report(podName, (status) -> new ContainerStatusBuilder(running(status.getRestartCount() + 1, at))
			.withReady(false)
			.withNewLastStateLike(status.getState())
			.endLastState()
			.build());
	}

	/**
	 * A graceful deletion: marked for deletion at once (if {@link #terminating(String)} did
	 * not already), then the kubelet stops the container (reported terminated), then the
	 * object goes.
	 */
	public void deletedGracefully(String podName) {
		Pod pod = this.client.pods().inNamespace(this.namespace).withName(podName).get();
		if (pod != null && pod.getMetadata().getDeletionTimestamp() == null) {
			terminating(podName);
		}
		exited(podName, 143, "Completed");
		this.reports.schedule(() -> this.client.pods()
			.inNamespace(this.namespace)
			.withName(podName)
			.edit((deleted) -> new PodBuilder(deleted).editMetadata().removeFromFinalizers(FINALIZER).endMetadata().build()),
				this.reportDelay.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** A force deletion: the object goes at once, whatever the container still does. */
	public void forceDeleted(String podName) {
		this.client.pods().inNamespace(this.namespace).withName(podName).withGracePeriod(0).delete();
	}

	private void report(String podName, UnaryOperator<ContainerStatus> change) {
		this.reports.schedule(() -> this.client.pods().inNamespace(this.namespace).withName(podName).edit((pod) -> {
			ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
			return new PodBuilder(pod).editStatus().withContainerStatuses(change.apply(status)).endStatus().build();
		}), this.reportDelay.toNanos(), TimeUnit.NANOSECONDS);
	}

	private static ContainerStatus running(int restartCount, Instant since) {
		return new ContainerStatusBuilder().withName(CONTAINER)
			.withReady(true)
			.withRestartCount(restartCount)
			.withNewState()
			.withNewRunning()
			.withStartedAt(since.toString())
			.endRunning()
			.endState()
			.build();
	}

	/** When the instance now reported on started, if it was running. */
	private static String startedAt(ContainerStatus status) {
		return (status.getState() != null && status.getState().getRunning() != null)
				? status.getState().getRunning().getStartedAt() : null;
	}

	/** The kubelet's clock reading: whole seconds, truncated. */
	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.SECONDS);
	}

	@Override
	public void close() {
		this.reports.shutdownNow();
	}

}
