package com.example.testleader.benchmark;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.example.testleader.benchmark.Events.Event;
import com.example.testleader.benchmark.Events.Kind;

/**
 * The picture of the report, {@code timeline.png}: for the first run of each scenario and
 * column, who ran the critical work when (a lane per role where there are several), with the
 * faults and the kubelet's reports marked, from {@link Run#LEAD_IN} before the fault.
 */
final class Timeline {

	private Timeline() {
	}

	/** The roles' colours in the timeline, in the roles' order: a single role's is the first. */
	private static final List<Color> ROLE_COLOURS = List.of(new Color(46, 139, 87), new Color(65, 105, 225),
			new Color(218, 165, 32), new Color(147, 112, 219), new Color(0, 160, 180), new Color(205, 92, 92));

	/**
	 * One panel per scenario and candidate, with or without CDS (its first run): a row per
	 * replica (with several roles, a lane per role in its colour), faults in red, the kubelet
	 * stand-in's reports in orange.
	 */
	static BufferedImage draw(List<Run> runs) {
		List<Run> firsts = new ArrayList<>();
		Set<String> seen = new LinkedHashSet<>();
		for (Run run : runs) {
			if (seen.add(run.scenario + "/" + Report.name(run)) && run.to > run.from) {
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
		g.drawString(run.scenario.title + " — " + Report.name(run) + String.format(Locale.ROOT,
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
