package com.example.testleader.benchmark;

import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;

import com.example.testleader.benchmark.Deployment.Revision;

/**
 * The rollout scenarios ({@link Scenario#ROLLOUT_SURGE} and the rest): the replicas run in
 * the pods of a {@link Deployment}, at revision 1, reported ready once the replica says it
 * is; once settled and warmed up, two rolling updates follow, each of every pod: to revision
 * 2 with the leader's pod deleted first, then to revision 3 with it deleted last, each
 * measured ({@link RolloutMoves}) from its first step until the cluster has settled after
 * it. Both orders in every run, rather than one per scenario, because starting the
 * replicas and warming them up takes longer than a rollout.
 *
 * <p>
 * This measures what the election does, not what it should: every figure comes from the
 * replicas' own lines, and nothing here expects leadership to end up anywhere in particular.
 */
final class RolloutScenarios {

	static final String KEY_LATENCY = "a move of a role: its holder's work stops → the next holder's starts";

	static final String TARGET = "1 move per role and rollout, onto the new revision; each ≤ 250 ms";

	private RolloutScenarios() {
	}

	/** Starts the Deployment's pods, then rolls it over twice under {@code strategy}. */
	static void rollouts(Cluster cluster, Options options, Run run, Rollout.Strategy strategy)
			throws InterruptedException {
		Deployment deployment = new Deployment(cluster.admin(), options.replicas(), strategy);
		Revision first = deployment.current();
		for (int i = 0; i < options.replicas(); i++) {
			String name = deployment.podName(first);
			cluster.start(name, Map.of(), (pod) -> deployment.own(pod, first));
		}
		cluster.replicas().forEach((replica) -> Rollout.awaitPodReady(cluster, replica.name));
		run.from = System.nanoTime();
		for (Rollout.Order order : Rollout.Order.values()) {
			settle(cluster, run);
			Thread.sleep(options.warmUp().toMillis());
			settle(cluster, run);
			Rollout.Span span = Rollout.roll(cluster, deployment, strategy, order);
			settle(cluster, run);
			if (cluster.roles().size() == 1) {
				// as long as the roles' balance is held, so that a late move would be seen
				Thread.sleep(RoleScenarios.HOLD.toMillis());
			}
			RolloutMoves moves = RolloutMoves.of(cluster.events, cluster.roles(), deployment, span, System.nanoTime());
			record(run, moves);
		}
	}

	/**
	 * Waits for a single leader of every role known to the others, or (roles) for the roles to
	 * be balanced and to stay so for {@link RoleScenarios#HOLD}; notes it if that does not come.
	 */
	private static void settle(Cluster cluster, Run run) throws InterruptedException {
		if (cluster.roles().size() > 1) {
			RoleScenarios.awaitBalanced(cluster, run);
			return;
		}
		try {
			cluster.awaitSettled();
		}
		catch (ConditionTimeoutException ex) {
			run.notes.add("no single leader within 2 minutes");
		}
	}

	/** The moves into the run (the rollouts table) and its key latencies; the rollout's duration into its figures. */
	private static void record(Run run, RolloutMoves moves) {
		run.rollouts.add(moves);
		moves.all().forEach((move) -> run.latencies.add(move.leaderlessMillis()));
		run.extras.put(moves.order().label + ": first step → all old pods gone, s", moves.seconds());
		if (moves.all().isEmpty()) {
			run.notes.add(moves.order().label + ": no role moved");
		}
	}

}
