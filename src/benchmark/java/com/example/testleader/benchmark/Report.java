package com.example.testleader.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;

/** Writes {@code results.md} (the tables) and {@code timeline.png} (the first run of each). */
final class Report {

	private Report() {
	}

	static void write(List<Run> runs, Options options, String command) throws IOException {
		Files.createDirectories(options.output());
		Files.writeString(options.output().resolve("results.md"), markdown(runs, options, command));
		ImageIO.write(timeline(runs), "png", options.output().resolve("timeline.png").toFile());
	}

	static String markdown(List<Run> runs, Options options, String command) {
		List<Column> columns = columns(options);
		boolean both = options.cds().size() > 1;
		String names = String.join(" / ", columns.stream().map(Column::name).toList());
		StringBuilder md = new StringBuilder();
		md.append("# Failover benchmark\n\n");
		md.append("Run ").append(Instant.now()).append(" with `").append(command).append("`: ")
			.append(options.replicas()).append(" replicas, ").append(options.repeats())
			.append(" runs per scenario, lease 15 s / renew deadline 10 s / retry 2 s, on ")
			.append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
			.append(System.getProperty("java.version")).append(". Replicas run in pods of a kubelet stand-in that reports a ")
			.append("container's exit after ").append(options.kubeletDelay().toMillis()).append(" ms (not in the scenario ")
			.append("with early takeover off). ").append(serviceStart(options))
			.append(" Baseline: fabric8 7.3.1 `LeaderElector`, same timings, ")
			.append("release on cancel. Latencies in ms, median / max over all runs (\"never\" = the event did not ")
			.append("happen while the fault lasted); ratio = service ÷ baseline (medians)")
			.append(both ? "; CDS ÷ no CDS = test-leader ÷ test-leader, no CDS (medians)" : "").append(".")
			.append(rolesMethod(options)).append("\n\n");
		md.append("| Scenario | Key latency | Target | ").append(String.join(" | ", columns.stream().map(Column::name).toList()))
			.append(" | ratio | ").append(both ? "CDS ÷ no CDS | " : "").append("Overlap, ms (").append(names)
			.append(") | Leaderless per run, ms median (").append(names).append(") |\n");
		md.append("| --- | --- | --- |").append(" --- |".repeat(columns.size() + (both ? 4 : 3))).append('\n');
		for (Scenario scenario : options.scenarios()) {
			List<List<Run>> of = columns.stream().map((column) -> column.runs(runs, scenario)).toList();
			md.append("| ").append(scenario.title).append(" | ").append(scenario.keyLatency).append(" | ")
				.append(scenario.target).append(" | ");
			of.forEach((column) -> md.append(latencies(column)).append(" | "));
			md.append(ratio(medianLatency(of.get(0)), medianLatency(of.get(of.size() - 1)))).append(" | ");
			if (both) {
				md.append(ratio(medianLatency(of.get(0)), medianLatency(of.get(1)))).append(" | ");
			}
			md.append(String.join(" / ", of.stream().map(Report::overlap).toList())).append(" | ")
				.append(String.join(" / ",
						of.stream()
							.map((column) -> format(Run.median(column.stream().map((r) -> r.leaderlessMillis).toList())))
							.toList()))
				.append(" |\n");
		}
		md.append("\n| Other figures (median over runs) | ").append(String.join(" | ", columns.stream().map(Column::name).toList()))
			.append(" | ratio |").append(both ? " CDS ÷ no CDS |" : "").append("\n| --- |")
			.append(" --- |".repeat(columns.size() + (both ? 2 : 1))).append('\n');
		for (Scenario scenario : options.scenarios()) {
			Set<String> extras = new LinkedHashSet<>();
			runs.stream().filter((r) -> r.scenario == scenario).forEach((r) -> extras.addAll(r.extras.keySet()));
			for (String extra : extras) {
				List<Double> values = columns.stream().map((column) -> extra(column.runs(runs, scenario), extra)).toList();
				md.append("| ").append(scenario.title).append(": ").append(extra).append(" | ");
				values.forEach((value) -> md.append(format(value)).append(" | "));
				md.append(ratio(values.get(0), values.get(values.size() - 1))).append(" |");
				if (both) {
					md.append(' ').append(ratio(values.get(0), values.get(1))).append(" |");
				}
				md.append('\n');
			}
		}
		md.append(rolesTable(runs, options, columns));
		List<String> notes = new ArrayList<>();
		runs.forEach((run) -> run.notes.forEach((note) -> notes.add(run.scenario.title + " / " + name(run) + ": " + note)));
		if (!notes.isEmpty()) {
			md.append("\nNotes:\n\n");
			new LinkedHashSet<>(notes).forEach((note) -> md.append("- ").append(note).append('\n'));
		}
		md.append("\n![timeline](timeline.png)\n");
		return md.toString();
	}

	private static List<Scenario> rolesScenarios(Options options) {
		return options.scenarios().stream().filter(Scenario::isRoles).toList();
	}

	private static String rolesMethod(Options options) {
		List<Scenario> scenarios = rolesScenarios(options);
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
	private static String rolesTable(List<Run> runs, Options options, List<Column> columns) {
		List<Scenario> scenarios = rolesScenarios(options);
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
			for (Column column : columns) {
				List<Run> of = column.runs(runs, scenario);
				if (of.isEmpty()) {
					continue;
				}
				List<Balance.Move> moves = of.stream().flatMap((r) -> r.moves.stream()).toList();
				md.append("| ").append(scenario.title).append((columns.size() > 2) ? " (" + column.name() + ")" : "")
					.append(" | ").append(format(Run.median(of.stream().map((r) -> (double) r.moves.size()).toList())))
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
		return format(overlap) + " / "
				+ format(Run.median(runs.stream().map((r) -> r.leaderlessByRole.getOrDefault(role, Double.NaN)).toList()));
	}

	private static String medianMax(List<Double> values) {
		return values.isEmpty() ? "—"
				: format(Run.median(values)) + " / "
						+ format(values.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
	}

	/** The columns: the service as it ran (with its CDS archive, without, or both), then the baseline. */
	private static List<Column> columns(Options options) {
		List<Column> columns = new ArrayList<>();
		options.cds().forEach((cds) -> columns.add(new Column(Cluster.Candidate.SERVICE, cds)));
		columns.add(new Column(Cluster.Candidate.BASELINE, false));
		return columns;
	}

	private static String serviceStart(Options options) {
		String how;
		if (options.cds().size() > 1) {
			how = "The service runs both ways (`benchmark.cds=both`): from its jar extracted, on the class data sharing "
					+ "archive of one training run (test-leader), and from the packaged jar (test-leader, no CDS)";
		}
		else if (options.cds().get(0)) {
			how = "The service runs from its jar extracted, on the class data sharing archive of one training run "
					+ "(`benchmark.cds=true`)";
		}
		else {
			how = "The service runs from the packaged jar, without class data sharing (`benchmark.cds=false`)";
		}
		return how + ", with `" + String.join(" ", options.serviceJvm()) + "`"
				+ (options.jvmOptions().isEmpty() ? "." : " (the baseline without the last "
						+ options.jvmOptions().size() + ").");
	}

	/** A column of the tables: the runs of one candidate, the service with or without its CDS archive. */
	private record Column(Cluster.Candidate candidate, boolean cds) {

		String name() {
			return Report.name(this.candidate, this.cds);
		}

		List<Run> runs(List<Run> runs, Scenario scenario) {
			return runs.stream()
				.filter((r) -> r.scenario == scenario && r.candidate == this.candidate && r.cds == this.cds)
				.toList();
		}

	}

	private static String latencies(List<Run> runs) {
		List<Double> all = runs.stream().flatMap((r) -> r.latencies.stream()).toList();
		if (all.isEmpty()) {
			return runs.isEmpty() ? "not run" : "—";
		}
		long never = all.stream().filter((v) -> v.isNaN()).count();
		List<Double> measured = all.stream().filter((v) -> !v.isNaN()).sorted().toList();
		String figures = measured.isEmpty() ? ""
				: format(Run.median(measured)) + " / " + format(measured.get(measured.size() - 1));
		if (never > 0) {
			figures += (figures.isEmpty() ? "" : ", ") + "never in " + never + " of " + all.size();
		}
		return figures;
	}

	private static double medianLatency(List<Run> runs) {
		return Run.median(runs.stream().flatMap((r) -> r.latencies.stream()).toList());
	}

	private static String overlap(List<Run> runs) {
		if (runs.isEmpty()) {
			return "—";
		}
		double total = runs.stream().mapToDouble((r) -> r.overlapMillis).sum();
		long with = runs.stream().filter((r) -> r.overlapMillis > 0).count();
		return format(total) + ((with > 0) ? " (" + with + " of " + runs.size() + " runs)" : "");
	}

	private static double extra(List<Run> runs, String name) {
		return Run.median(
				runs.stream().filter((r) -> r.extras.containsKey(name)).map((r) -> r.extras.get(name)).toList());
	}

	private static String ratio(double service, double baseline) {
		if (Double.isNaN(service) || Double.isNaN(baseline) || baseline == 0) {
			return "—";
		}
		return String.format(Locale.ROOT, "%.2f", service / baseline);
	}

	private static String format(double value) {
		if (Double.isNaN(value)) {
			return "—";
		}
		return (value >= 100 || value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

	static String name(Run run) {
		return name(run.candidate, run.cds);
	}

	private static String name(Cluster.Candidate candidate, boolean cds) {
		return (candidate == Cluster.Candidate.BASELINE) ? "baseline" : cds ? "test-leader" : "test-leader, no CDS";
	}

	/** The roles' colours in the timeline, in the roles' order: a single role's is the first. */
	private static final List<Color> ROLE_COLOURS = List.of(new Color(46, 139, 87), new Color(65, 105, 225),
			new Color(218, 165, 32), new Color(147, 112, 219), new Color(0, 160, 180), new Color(205, 92, 92));

	/**
	 * One panel per scenario and candidate, with or without CDS (its first run): a row per
	 * replica (with several roles, a lane per role in its colour), faults in red, the kubelet
	 * stand-in's reports in orange.
	 */
	static BufferedImage timeline(List<Run> runs) {
		List<Run> firsts = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (Run run : runs) {
			if (seen.add(run.scenario + "/" + name(run)) && run.to > run.from) {
				firsts.add(run);
			}
		}
		int width = 1400;
		int left = 170;
		List<Integer> heights = firsts.stream()
			.map((r) -> 52 + (r.scenario.isRoles() ? 14 : 0) + rowHeight(r) * Math.max(1, replicas(r).size()))
			.toList();
		int height = 20 + heights.stream().mapToInt(Integer::intValue).sum();
		BufferedImage image = new BufferedImage(width, Math.max(height, 60), BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, image.getHeight());
		int y = 10;
		for (int i = 0; i < firsts.size(); i++) {
			panel(g, firsts.get(i), y, width, left, rowHeight(firsts.get(i)));
			y += heights.get(i);
		}
		g.dispose();
		return image;
	}

	/** A replica's row: 18 px, or a 4 px lane per role. */
	private static int rowHeight(Run run) {
		return run.scenario.isRoles() ? 4 + 4 * run.scenario.roles().size() : 18;
	}

	private static void panel(Graphics2D g, Run run, int top, int width, int left, int rowHeight) {
		long from = run.from - Run.LEAD_IN;
		double seconds = (run.to - from) / 1e9;
		double scale = (width - left - 20) / Math.max(seconds, 1);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		g.drawString(run.scenario.title + " — " + name(run) + String.format(Locale.ROOT,
				"   (overlap %.0f ms, leaderless %.0f ms; %.0f s shown, from 2 s before the fault)", run.overlapMillis,
				run.leaderlessMillis, seconds),
				10, top + 14);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		List<String> replicas = replicas(run);
		int rowsTop = top + 22;
		for (int row = 0; row < replicas.size(); row++) {
			int rowY = rowsTop + row * rowHeight;
			g.setColor(Color.DARK_GRAY);
			g.drawString(replicas.get(row), 10, rowY + 13);
			g.setColor(new Color(235, 235, 235));
			g.fillRect(left, rowY + 2, width - left - 20, rowHeight - 4);
			for (Events.Window window : run.windows) {
				if (!window.replica().equals(replicas.get(row)) || window.to() < from) {
					continue;
				}
				int x0 = left + (int) (Math.max(0, window.from() - from) / 1e9 * scale);
				int x1 = left + (int) ((Math.min(window.to(), run.to) - from) / 1e9 * scale);
				int lane = Math.max(0, run.scenario.roles().indexOf(window.role()));
				g.setColor(ROLE_COLOURS.get(lane % ROLE_COLOURS.size()));
				if (run.scenario.isRoles()) {
					g.fillRect(x0, rowY + 2 + 4 * lane, Math.max(2, x1 - x0), 4);
				}
				else {
					g.fillRect(x0, rowY + 2, Math.max(2, x1 - x0), rowHeight - 4);
				}
			}
		}
		g.setStroke(new BasicStroke(1.5f));
		// where the labels on each of the two lines under the rows end: one that would run
		// into the label before it (two faults at once, a report right after) goes below
		int[] labelsEnd = { Integer.MIN_VALUE, Integer.MIN_VALUE };
		for (Event event : run.events) {
			boolean fault = event.kind() == Kind.FAULT || event.kind() == Kind.HEALED
					|| (event.kind() == Kind.DIED && "SIGKILL".equals(event.detail()));
			boolean report = event.kind() == Kind.REPORTED;
			if (!(fault || report) || event.nanos() < from || event.nanos() > run.to) {
				continue;
			}
			int x = left + (int) ((event.nanos() - from) / 1e9 * scale);
			g.setColor((event.kind() == Kind.HEALED) ? new Color(30, 90, 200)
					: report ? new Color(230, 140, 0) : new Color(200, 30, 30));
			g.drawLine(x, rowsTop, x, rowsTop + replicas.size() * rowHeight);
			int line = (labelsEnd[0] < x) ? 0 : 1;
			labelsEnd[line] = x + 3 + g.getFontMetrics().stringWidth(event.detail());
			g.drawString(event.detail(), x + 3, rowsTop + replicas.size() * rowHeight + 11 + 12 * line);
		}
		if (run.scenario.isRoles()) {
			legend(g, run.scenario.roles(), left, rowsTop + replicas.size() * rowHeight + 11 + 24);
		}
	}

	/** Which lane is which role, each name in its lane's colour; overlap and leaderless above are summed over them. */
	private static void legend(Graphics2D g, List<String> roles, int left, int y) {
		g.setColor(Color.DARK_GRAY);
		String lead = "lanes, top down (overlap and leaderless summed over them): ";
		g.drawString(lead, left, y);
		int x = left + g.getFontMetrics().stringWidth(lead);
		for (int i = 0; i < roles.size(); i++) {
			g.setColor(ROLE_COLOURS.get(i % ROLE_COLOURS.size()));
			g.drawString(roles.get(i), x, y);
			x += g.getFontMetrics().stringWidth(roles.get(i) + "  ");
		}
	}

	private static List<String> replicas(Run run) {
		Set<String> names = new LinkedHashSet<>();
		run.events.stream().filter((e) -> e.kind() == Kind.STARTED).forEach((e) -> names.add(e.replica()));
		return List.copyOf(names);
	}

}
