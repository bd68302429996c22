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
		StringBuilder md = new StringBuilder();
		md.append("# Failover benchmark\n\n");
		md.append("Run ").append(Instant.now()).append(" with `").append(command).append("`: ")
			.append(options.replicas()).append(" replicas, ").append(options.repeats())
			.append(" runs per scenario, lease 15 s / renew deadline 10 s / retry 2 s, on ")
			.append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
			.append(System.getProperty("java.version")).append(". Replicas run in pods of a kubelet stand-in that reports a ")
			.append("container's exit after ").append(options.kubeletDelay().toMillis()).append(" ms (not in the scenario ")
			.append("with early takeover off). Baseline: fabric8 7.3.1 `LeaderElector`, same timings, ")
			.append("release on cancel. Latencies in ms, median / max over all runs (\"never\" = the event did not ")
			.append("happen while the fault lasted); ratio = service ÷ baseline (medians).\n\n");
		md.append("| Scenario | Key latency | Target | test-leader | baseline | ratio | Overlap, ms (service / baseline) | ")
			.append("Leaderless per run, ms median (service / baseline) |\n");
		md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
		for (Scenario scenario : options.scenarios()) {
			List<Run> service = of(runs, scenario, Cluster.Candidate.SERVICE);
			List<Run> baseline = of(runs, scenario, Cluster.Candidate.BASELINE);
			md.append("| ").append(scenario.title).append(" | ").append(scenario.keyLatency).append(" | ")
				.append(scenario.target).append(" | ").append(latencies(service)).append(" | ")
				.append(latencies(baseline)).append(" | ").append(ratio(medianLatency(service), medianLatency(baseline)))
				.append(" | ").append(overlap(service)).append(" / ").append(overlap(baseline)).append(" | ")
				.append(format(Scenario.median(service.stream().map((r) -> r.leaderlessMillis).toList()))).append(" / ")
				.append(format(Scenario.median(baseline.stream().map((r) -> r.leaderlessMillis).toList())))
				.append(" |\n");
		}
		md.append("\n| Other figures (median over runs) | test-leader | baseline | ratio |\n| --- | --- | --- | --- |\n");
		for (Scenario scenario : options.scenarios()) {
			Set<String> names = new LinkedHashSet<>();
			runs.stream().filter((r) -> r.scenario == scenario).forEach((r) -> names.addAll(r.extras.keySet()));
			for (String name : names) {
				double service = extra(runs, scenario, Cluster.Candidate.SERVICE, name);
				double baseline = extra(runs, scenario, Cluster.Candidate.BASELINE, name);
				md.append("| ").append(scenario.title).append(": ").append(name).append(" | ").append(format(service))
					.append(" | ").append(format(baseline)).append(" | ").append(ratio(service, baseline)).append(" |\n");
			}
		}
		List<String> notes = new ArrayList<>();
		runs.forEach((run) -> run.notes
			.forEach((note) -> notes.add(run.scenario.title + " / " + name(run.candidate) + ": " + note)));
		if (!notes.isEmpty()) {
			md.append("\nNotes:\n\n");
			new LinkedHashSet<>(notes).forEach((note) -> md.append("- ").append(note).append('\n'));
		}
		md.append("\n![timeline](timeline.png)\n");
		return md.toString();
	}

	private static List<Run> of(List<Run> runs, Scenario scenario, Cluster.Candidate candidate) {
		return runs.stream().filter((r) -> r.scenario == scenario && r.candidate == candidate).toList();
	}

	private static String latencies(List<Run> runs) {
		List<Double> all = runs.stream().flatMap((r) -> r.latencies.stream()).toList();
		if (all.isEmpty()) {
			return runs.isEmpty() ? "not run" : "—";
		}
		long never = all.stream().filter((v) -> v.isNaN()).count();
		List<Double> measured = all.stream().filter((v) -> !v.isNaN()).sorted().toList();
		String figures = measured.isEmpty() ? ""
				: format(Scenario.median(measured)) + " / " + format(measured.get(measured.size() - 1));
		if (never > 0) {
			figures += (figures.isEmpty() ? "" : ", ") + "never in " + never + " of " + all.size();
		}
		return figures;
	}

	private static double medianLatency(List<Run> runs) {
		return Scenario.median(runs.stream().flatMap((r) -> r.latencies.stream()).toList());
	}

	private static String overlap(List<Run> runs) {
		if (runs.isEmpty()) {
			return "—";
		}
		double total = runs.stream().mapToDouble((r) -> r.overlapMillis).sum();
		long with = runs.stream().filter((r) -> r.overlapMillis > 0).count();
		return format(total) + ((with > 0) ? " (" + with + " of " + runs.size() + " runs)" : "");
	}

	private static double extra(List<Run> runs, Scenario scenario, Cluster.Candidate candidate, String name) {
		return Scenario.median(of(runs, scenario, candidate).stream()
			.filter((r) -> r.extras.containsKey(name))
			.map((r) -> r.extras.get(name))
			.toList());
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

	private static String name(Cluster.Candidate candidate) {
		return (candidate == Cluster.Candidate.SERVICE) ? "test-leader" : "baseline";
	}

	/**
	 * One panel per scenario and candidate (its first run): a row per replica, faults in red,
	 * the kubelet stand-in's reports in orange.
	 */
	static BufferedImage timeline(List<Run> runs) {
		List<Run> firsts = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (Run run : runs) {
			if (seen.add(run.scenario + "/" + run.candidate) && run.to > run.from) {
				firsts.add(run);
			}
		}
		int width = 1400;
		int left = 170;
		int rowHeight = 18;
		List<Integer> heights = firsts.stream().map((r) -> 52 + rowHeight * Math.max(1, replicas(r).size())).toList();
		int height = 20 + heights.stream().mapToInt(Integer::intValue).sum();
		BufferedImage image = new BufferedImage(width, Math.max(height, 60), BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, image.getHeight());
		int y = 10;
		for (int i = 0; i < firsts.size(); i++) {
			panel(g, firsts.get(i), y, width, left, rowHeight);
			y += heights.get(i);
		}
		g.dispose();
		return image;
	}

	private static void panel(Graphics2D g, Run run, int top, int width, int left, int rowHeight) {
		long from = run.from - Run.LEAD_IN;
		double seconds = (run.to - from) / 1e9;
		double scale = (width - left - 20) / Math.max(seconds, 1);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		g.drawString(run.scenario.title + " — " + name(run.candidate) + String.format(Locale.ROOT,
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
				g.setColor(new Color(46, 139, 87));
				g.fillRect(x0, rowY + 2, Math.max(2, x1 - x0), rowHeight - 4);
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
	}

	private static List<String> replicas(Run run) {
		Set<String> names = new LinkedHashSet<>();
		run.events.stream().filter((e) -> e.kind() == Kind.STARTED).forEach((e) -> names.add(e.replica()));
		return List.copyOf(names);
	}

}
