package com.example.testleader.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.awaitility.core.ConditionTimeoutException;

import com.example.testleader.benchmark.Deployment.Revision;
import com.example.testleader.benchmark.Events.Kind;

import static org.awaitility.Awaitility.await;

/**
 * One rolling update of the {@link Deployment}, one pod at a time, as its controllers carry
 * it out: the Deployment controller scales the new ReplicaSet up and the old one down within
 * the strategy's bounds, the ReplicaSet controller creates or deletes a pod for each step, and
 * a new pod counts once the kubelet has reported it ready ({@code POD_READY}; no
 * {@code minReadySeconds}). A deletion is graceful, as {@code kubectl delete pod}: the pod
 * marked, then SIGTERM ({@link Cluster#deletePodForGood}); the rollout goes on without
 * waiting for the process to exit (terminating pods count for neither bound), and awaits
 * the old processes' exits only at its end. Which old pod goes next is the {@link Order}'s
 * choice (a real ReplicaSet controller's ranking knows nothing of leaders).
 */
final class Rollout {

	/** The Deployment's {@code rollingUpdate}: how far the pods may go over or under the replicas. */
	enum Strategy {

		/** {@code maxSurge: 1, maxUnavailable: 0}: a new pod, once ready, then an old one deleted. */
		SURGE(1, 0),

		/** {@code maxSurge: 0, maxUnavailable: 1}: an old pod deleted, then a new one, awaited ready. */
		UNAVAILABLE(0, 1);

		private final int maxSurge;

		private final int maxUnavailable;

		Strategy(int maxSurge, int maxUnavailable) {
			this.maxSurge = maxSurge;
			this.maxUnavailable = maxUnavailable;
		}

		int maxSurge() {
			return this.maxSurge;
		}

		int maxUnavailable() {
			return this.maxUnavailable;
		}

	}

	/** Which old pod is deleted next: by the default role's leader as it is at each step. */
	enum Order {

		/** The leader's pod whenever the leader runs in an old pod: the worst case. */
		LEADER_FIRST("leader's pod first"),

		/** The leader's pod only when no other old pod is left. */
		LEADER_LAST("leader's pod last");

		final String label;

		Order(String label) {
			this.label = label;
		}

	}

	/** A rollout done: from {@code from} to {@code to}, begun and ended (all old pods gone) on the benchmark's clock. */
	record Span(Revision from, Revision to, Order order, long start, long end) {
	}

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	/** How long the choice of the next pod waits for the default role to have a leader. */
	private static final Duration LEADER_WAIT = Duration.ofSeconds(5);

	private Rollout() {
	}

	/** Rolls every live pod of the Deployment's current revision over to a new one, the pods deleted in {@code order}. */
	static Span roll(Cluster cluster, Deployment deployment, Strategy strategy, Order order)
			throws InterruptedException {
		Revision old = deployment.current();
		List<ReplicaProcess> olds = new ArrayList<>(cluster.replicas()
			.stream()
			.filter((r) -> r.alive() && deployment.revisionOf(r.name).filter(old::equals).isPresent())
			.toList());
		List<ReplicaProcess> deleted = new ArrayList<>();
		int count = olds.size();
		long start = System.nanoTime();
		Revision fresh = deployment.revise();
		for (int step = 1; step <= count; step++) {
			if (strategy == Strategy.SURGE) {
				createReady(cluster, deployment, fresh, step);
			}
			ReplicaProcess victim = next(cluster, olds, order);
			olds.remove(victim);
			deployment.scale(old, count - step);
			cluster.deletePodForGood(victim);
			victim.terminate();
			deleted.add(victim);
			if (strategy == Strategy.UNAVAILABLE) {
				createReady(cluster, deployment, fresh, step);
			}
		}
		for (ReplicaProcess victim : deleted) {
			victim.awaitExit(Duration.ofSeconds(60));
		}
		return new Span(old, fresh, order, start, System.nanoTime());
	}

	/** The new ReplicaSet scaled to {@code replicas}: one pod more, created and awaited ready. */
	private static void createReady(Cluster cluster, Deployment deployment, Revision revision, int replicas) {
		deployment.scale(revision, replicas);
		String name = deployment.podName(revision);
		cluster.start(name, Map.of(), (pod) -> deployment.own(pod, revision));
		awaitPodReady(cluster, name);
	}

	/** Waits for the kubelet's report that the pod {@code name} is ready, as the controllers see it. */
	static void awaitPodReady(Cluster cluster, String name) {
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cluster.events.last(name, Kind.POD_READY).isPresent());
	}

	private static ReplicaProcess next(Cluster cluster, List<ReplicaProcess> olds, Order order) {
		Optional<ReplicaProcess> leader = leader(cluster).filter(olds::contains);
		if (order == Order.LEADER_FIRST) {
			return leader.orElse(olds.get(0));
		}
		return olds.stream().filter((r) -> leader.filter(r::equals).isEmpty()).findFirst().orElse(olds.get(0));
	}

	/** The default role's leader, waiting a little for one if a handover is under way. */
	private static Optional<ReplicaProcess> leader(Cluster cluster) {
		try {
			await().atMost(LEADER_WAIT).pollInterval(Duration.ofMillis(20)).until(() -> cluster.leader().isPresent());
		}
		catch (ConditionTimeoutException ex) {
			return Optional.empty();
		}
		return cluster.leader();
	}

}
