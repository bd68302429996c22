package com.example.testleader.benchmark;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rollouts part of {@code results.md}: for each rollout scenario, column and order (the
 * leader's pod deleted first or last), how often each role's leadership moved per rollout
 * and how many of those moves landed on a pod of the old revision, how long each move left
 * its role leaderless, and the overlap ({@link RolloutMoves}). Empty when no rollout scenario
 * runs.
 */
final class RolloutTable {

	private RolloutTable() {
	}

	static String table(List<Run> runs, Options options, List<Report.Column> columns) {
		List<Scenario> scenarios = options.scenarios()
			.stream()
			.filter((s) -> runs.stream().anyMatch((r) -> r.scenario == s && !r.rollouts.isEmpty()))
			.toList();
		if (scenarios.isEmpty()) {
			return "";
		}
		List<String> roles = scenarios.stream().map(Scenario::roles).max(Comparator.comparingInt(List::size)).get();
		StringBuilder md = new StringBuilder("\n| Rollout scenario | Order | Moves per role and rollout, median (max) "
				+ "| Moves onto an old pod per rollout, all roles (median) | Roles on the new revision at the end "
				+ "(median) | Leaderless per move, ms median / max | Overlap, ms | ");
		md.append(String.join(" | ", roles.stream().map((role) -> role + ": moves per rollout (onto old, in all)").toList()))
			.append(" |\n| --- | --- | --- | --- | --- | --- | --- |")
			.append(" --- |".repeat(roles.size()))
			.append('\n');
		for (Scenario scenario : scenarios) {
			for (Report.Column column : columns) {
				for (Rollout.Order order : Rollout.Order.values()) {
					List<RolloutMoves> of = column.runs(runs, scenario)
						.stream()
						.flatMap((r) -> r.rollouts.stream())
						.filter((m) -> m.order() == order)
						.toList();
					if (!of.isEmpty()) {
						row(md, scenario.title + ((columns.size() > 1) ? " (" + column.name() + ")" : ""), order, of,
								roles);
					}
				}
			}
		}
		return md.toString();
	}

	private static void row(StringBuilder md, String title, Rollout.Order order, List<RolloutMoves> of,
			List<String> roles) {
		List<Double> counts = of.stream().flatMap((m) -> m.counts().stream()).map(Integer::doubleValue).toList();
		List<Double> gaps = of.stream().flatMap((m) -> m.all().stream()).map(RolloutMoves.Move::leaderlessMillis).toList();
		double overlap = of.stream().flatMap((m) -> m.overlapByRole().values().stream()).mapToDouble(Double::doubleValue).sum();
		md.append("| ").append(title).append(" | ").append(order.label).append(" | ")
			.append(Report.format(Run.median(counts))).append(" (")
			.append(Report.format(counts.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)))
			.append(") | ")
			.append(Report.format(Run.median(of.stream().map((m) -> (double) m.ontoOld()).toList()))).append(" | ")
			.append(Report.format(Run.median(of.stream().map((m) -> (double) m.onNew().size()).toList()))).append(" of ")
			.append(of.get(0).moves().size()).append(" | ")
			.append(gaps.isEmpty() ? "—" : Report.format(Run.median(gaps)) + " / "
					+ Report.format(gaps.stream().mapToDouble(Double::doubleValue).max().getAsDouble()))
			.append(" | ").append(Report.format(overlap)).append(" | ");
		md.append(roles.stream().map((role) -> perRole(of, role)).collect(Collectors.joining(" | "))).append(" |\n");
	}

	/** A role's moves in each rollout, and how many of them in all landed on an old pod. */
	private static String perRole(List<RolloutMoves> of, String role) {
		if (!of.get(0).moves().containsKey(role)) {
			return "";
		}
		List<List<RolloutMoves.Move>> moves = of.stream().map((m) -> m.moves().get(role)).toList();
		return moves.stream().map((m) -> String.valueOf(m.size())).collect(Collectors.joining(", ")) + " ("
				+ moves.stream().flatMap(List::stream).filter(RolloutMoves.Move::ontoOld).count() + ")";
	}

}
