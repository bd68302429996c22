package com.example.testleader.benchmark;

import java.util.List;

/**
 * The roles part of {@code results.md}: the sentence saying how the roles scenarios run and
 * what "balanced" means, and the roles table (for each roles scenario and column of the
 * service: the balancing moves, how long each left its role leaderless, and each role's
 * overlap and leaderless time). Both are empty when no roles scenario runs.
 */
final class RolesTable {

	private RolesTable() {
	}

	private static List<Scenario> scenarios(Options options) {
		return options.scenarios().stream().filter(Scenario::isRoles).toList();
	}

	/** The method sentence of the roles scenarios, for the report's introduction; empty if none runs. */
	static String method(Options options) {
		List<Scenario> scenarios = scenarios(options);
		if (scenarios.isEmpty()) {
			return "";
		}
		List<String> roles = scenarios.get(0).roles();
		return " Roles scenarios: the service's replicas run the demo work under " + roles.size() + " roles ("
				+ String.join(", ", roles) + "), one Lease each, in pods created not ready and reported ready "
				+ options.kubeletDelay().toMillis() + " ms after the replica says it is (the kubelet's probe); "
				+ "balanced = every role run by exactly one replica, each a member (ready, not signalled, alive), the "
				+ "members' counts differing by at most one, and still so " + RoleScenarios.HOLD.toSeconds()
				+ " s later; their overlap and leaderless time are summed over the roles (each role's in the roles "
				+ "table); the baseline has no roles and does not run them.";
	}

	/**
	 * The roles table: for each roles scenario and each column of the service, the balancing
	 * moves, how long each left its role leaderless, and each role's overlap and leaderless time.
	 */
	static String table(List<Run> runs, Options options, List<Report.Column> columns) {
		List<Scenario> scenarios = scenarios(options);
		if (scenarios.isEmpty()) {
			return "";
		}
		List<String> roles = scenarios.get(0).roles();
		StringBuilder md = new StringBuilder("\n| Roles scenario (per role: overlap over all runs / leaderless per run, "
				+ "median, ms) | Balancing moves per run (median) | A move: the giver "
				+ "stops → the receiver runs the role, ms median / max | A move: offer → the receiver runs the role, ms "
				+ "median / max | ");
		md.append(String.join(" | ", roles)).append(" |");
		md.append("\n| --- | --- | --- | --- |").append(" --- |".repeat(roles.size())).append('\n');
		for (Scenario scenario : scenarios) {
			for (Report.Column column : columns) {
				List<Run> of = column.runs(runs, scenario);
				if (of.isEmpty()) {
					continue;
				}
				List<Balance.Move> moves = of.stream().flatMap((r) -> r.moves.stream()).toList();
				md.append("| ").append(scenario.title).append((columns.size() > 2) ? " (" + column.name() + ")" : "")
					.append(" | ").append(Report.format(Run.median(of.stream().map((r) -> (double) r.moves.size()).toList())))
					.append(" | ").append(medianMax(moves.stream().map(Balance.Move::leaderlessMillis).toList()))
					.append(" | ").append(medianMax(moves.stream().map(Balance.Move::offerToLeadingMillis).toList()))
					.append(" | ");
				md.append(String.join(" | ", roles.stream().map((role) -> perRole(of, role)).toList())).append(" |\n");
			}
		}
		return md.toString();
	}

	/** One role's overlap over all runs / its leaderless time per run, median. */
	private static String perRole(List<Run> runs, String role) {
		double overlap = runs.stream().mapToDouble((r) -> r.overlapByRole.getOrDefault(role, 0.0)).sum();
		return Report.format(overlap) + " / "
				+ Report.format(Run.median(runs.stream().map((r) -> r.leaderlessByRole.getOrDefault(role, Double.NaN)).toList()));
	}

	private static String medianMax(List<Double> values) {
		return values.isEmpty() ? "—"
				: Report.format(Run.median(values)) + " / "
						+ Report.format(values.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
	}

}
