package com.example.testleader.election.takeover;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this replica sees of its application's pods: a fabric8 informer on the pods
 * matching a label selector in the Lease's namespace (one list, then one watch: no
 * requests in steady state beyond the watch). Deleted pods are remembered with their
 * last status, so that a graceful deletion (reported terminated first) can prove its
 * holder gone and a force deletion (last seen running) cannot.
 *
 * <p>
 * It answers only while the informer is in sync and watching. Refused (401, 403: no
 * permission to list or watch pods, or an authorizer failing for a while) it answers
 * nothing, so the replicas wait out the lease as before and balance roles among their
 * holders only, and it tries again later: first after a lease duration, then after twice
 * as long each time, at most {@link #MAX_RETRY} (or a lease duration, if longer) apart. A
 * RoleBinding applied after the Deployment, or an authorizer error that passes, so costs a
 * few retries, not the process's fast failover for its whole life; a refusal that lasts
 * costs one list request every few minutes. It says so once per change: one WARN when
 * refused, one INFO when allowed again. One watch serves every role's election and the
 * balancing of roles ({@link #members()}, {@link #revisionRanks()}): it runs while anyone
 * listens.
 * <p>
 * It is a little over 250 lines because the watch's life (start, refusal, retries, one
 * log line per change) and the three views read off the same store (a pod by UID with the
 * deleted ones remembered, the members, the revisions' ranks) share the informer and its
 * state; how revisions rank is apart ({@link PodRevisions}).
 * <p>
 * Internal: for the election's own packages.
 */
public final class PodWatch implements ProcessGone.PodView {

	private static final Logger log = LoggerFactory.getLogger(PodWatch.class);

	/** Deleted pods kept, the oldest dropped first. */
	private static final int DELETED_KEPT = 64;

	/** The longest wait between two tries while refused, unless a lease duration is longer. */
	static final Duration MAX_RETRY = Duration.ofMinutes(5);

	private final KubernetesClient client;

	private final String namespace;

	private final String selector;

	private final Map<String, Pod> deleted = new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Pod> eldest) {
			return size() > DELETED_KEPT;
		}

	};

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private volatile SharedIndexInformer<Pod> informer;

	private final Duration firstRetry;

	private final Duration maxRetry;

	private volatile boolean refused;

	// Guarded by this: the wait before the next try while refused, and whether one is due.
	private Duration nextRetry;

	private boolean retryDue;

	/** @param firstRetry how long after a refusal it tries again first (a lease duration) */
	public PodWatch(KubernetesClient client, String namespace, String selector, Duration firstRetry) {
		this.client = client;
		this.namespace = namespace;
		this.selector = selector;
		this.firstRetry = firstRetry;
		this.maxRetry = (firstRetry.compareTo(MAX_RETRY) > 0) ? firstRetry : MAX_RETRY;
		this.nextRetry = firstRetry;
	}

	/**
	 * Tells {@code listener} of every change from now on; the first listener starts the
	 * watch, without blocking.
	 */
	public synchronized void listen(Runnable listener) {
		this.listeners.add(listener);
		if (this.informer == null && !this.retryDue) {
			start();
		}
	}

	/** Stops telling {@code listener}; the watch stops with the last listener. */
	public synchronized void stopListening(Runnable listener) {
		this.listeners.remove(listener);
		SharedIndexInformer<Pod> current = this.informer;
		if (this.listeners.isEmpty() && current != null) {
			current.stop();
			this.informer = null;
		}
	}

	private void start() {
		Runnable changed = () -> this.listeners.forEach(Runnable::run);
		SharedIndexInformer<Pod> started = this.client.pods()
			.inNamespace(this.namespace)
			.withLabelSelector(this.selector)
			.runnableInformer(0);
		started.addEventHandler(new ResourceEventHandler<Pod>() {

			@Override
			public void onAdd(Pod pod) {
				changed.run();
			}

			@Override
			public void onUpdate(Pod before, Pod after) {
				changed.run();
			}

			@Override
			public void onDelete(Pod pod, boolean finalStateUnknown) {
				if (!finalStateUnknown) {
					synchronized (PodWatch.this.deleted) {
						PodWatch.this.deleted.put(pod.getMetadata().getUid(), pod);
					}
				}
				changed.run();
			}

		});
		started.exceptionHandler((isStarted, failure) -> {
			if (!isForbidden(failure)) {
				return true;
			}
			refused(started, failure);
			return false;
		});
		this.informer = started;
		started.start().thenRun(() -> synced(started));
	}

	/** {@code informer} was refused: it stops; another is started after the backoff. */
	private synchronized void refused(SharedIndexInformer<Pod> informer, Throwable failure) {
		if (this.informer != informer) {
			return;
		}
		this.informer = null;
		Duration wait = this.nextRetry;
		Duration doubled = wait.multipliedBy(2);
		this.nextRetry = (doubled.compareTo(this.maxRetry) > 0) ? this.maxRetry : doubled;
		this.retryDue = true;
		CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS).execute(this::retry);
		if (!this.refused) {
			this.refused = true;
			log.warn("This replica may not list and watch pods in namespace {} ({}). Early takeover is off: it "
					+ "waits out the lease of a crashed leader as usual; and roles are balanced only among the "
					+ "replicas that hold one. Grant list and watch on pods to take over as soon as the kubelet "
					+ "reports the leader's container gone, and to hand roles to new replicas. Trying again in {} s, "
					+ "then less and less often (at most {} s apart)", this.namespace, failure.getMessage(),
					wait.toSeconds(), this.maxRetry.toSeconds());
		}
		else {
			log.debug("Still may not list and watch pods in namespace {}; trying again in {} s", this.namespace,
					wait.toSeconds());
		}
	}

	private synchronized void retry() {
		this.retryDue = false;
		if (!this.listeners.isEmpty() && this.informer == null) {
			start();
		}
	}

	/** {@code informer} listed the pods and watches them: answers again, if it was refused before. */
	private synchronized void synced(SharedIndexInformer<Pod> informer) {
		if (this.informer != informer) {
			return;
		}
		this.nextRetry = this.firstRetry;
		if (this.refused) {
			this.refused = false;
			log.info("This replica may list and watch pods in namespace {} again: early takeover is on, and roles "
					+ "are handed to new replicas", this.namespace);
		}
	}

	private static boolean isForbidden(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof KubernetesClientException ex && (ex.getCode() == 403 || ex.getCode() == 401)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public Optional<Pod> lastSeen(String uid) {
		SharedIndexInformer<Pod> current = this.informer;
		if (this.refused || current == null || !current.hasSynced() || !current.isWatching()) {
			return Optional.empty();
		}
		Optional<Pod> live = current.getStore()
			.list()
			.stream()
			.filter((pod) -> uid.equals(pod.getMetadata().getUid()))
			.findFirst();
		if (live.isPresent()) {
			return live;
		}
		synchronized (this.deleted) {
			return Optional.ofNullable(this.deleted.get(uid));
		}
	}

	/**
	 * The names of the pods that are live members of the application: not being deleted,
	 * and with every container reported ready by the kubelet (which a replica is only once
	 * it competes: its readiness probe). Empty while the view is not in sync.
	 */
	public Optional<Set<String>> members() {
		SharedIndexInformer<Pod> current = this.informer;
		if (this.refused || current == null || !current.hasSynced() || !current.isWatching()) {
			return Optional.empty();
		}
		return Optional.of(current.getStore().list().stream().filter(PodWatch::live)
			.map((pod) -> pod.getMetadata().getName())
			.collect(Collectors.toUnmodifiableSet()));
	}

	/**
	 * How new each pod's revision is, by pod name ({@link PodRevisions}); pods being deleted
	 * count too, so that a leaving replica knows its own rank. Empty while the view is not
	 * in sync.
	 */
	public Optional<Map<String, Integer>> revisionRanks() {
		SharedIndexInformer<Pod> current = this.informer;
		if (this.refused || current == null || !current.hasSynced() || !current.isWatching()) {
			return Optional.empty();
		}
		return Optional.of(PodRevisions.ranks(current.getStore().list()));
	}

	private static boolean live(Pod pod) {
		return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
				&& "Running".equals(pod.getStatus().getPhase()) && pod.getStatus().getContainerStatuses() != null
				&& !pod.getStatus().getContainerStatuses().isEmpty()
				&& pod.getStatus().getContainerStatuses().stream().allMatch((status) -> Boolean.TRUE.equals(status.getReady()));
	}

}
