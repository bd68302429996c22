package com.example.testleader.observability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a PromQL expression survives a pod scraped twice. A Prometheus that finds a pod
 * through two discovery paths stores each of its series twice, with different {@code job} or
 * {@code instance} labels; a {@code max} (or {@code min}) by pod cannot change on such a
 * duplicate, a {@code sum} or {@code count} over the raw series doubles it. So every metric
 * must meet a max or min first, grouped by {@code pod} when something aggregates it further;
 * {@code absent(...)} is immune. Only the prefix form ({@code sum by (x) (...)}) is read.
 */
final class PerPodAggregation {

	private static final Pattern TOKEN = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*|[()]");

	private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "count", "min", "max", "group", "stddev",
			"stdvar", "topk", "bottomk", "quantile", "count_values");

	private static final Set<String> GROUPINGS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");

	private PerPodAggregation() {
	}

	/** The metrics of {@code expression} that a pod scraped twice would count twice. */
	static List<String> countedTwice(String expression) {
		String stripped = expression.replaceAll("\"[^\"]*\"", "")
			.replaceAll("\\{[^}]*}", "")
			.replaceAll("\\[[^]]*]", "");
		List<String> tokens = new ArrayList<>();
		Matcher matcher = TOKEN.matcher(stripped);
		while (matcher.find()) {
			tokens.add(matcher.group());
		}
		Deque<Frame> open = new ArrayDeque<>();
		List<String> counted = new ArrayList<>();
		for (int i = 0; i < tokens.size(); i++) {
			String token = tokens.get(i);
			String next = (i + 1 < tokens.size()) ? tokens.get(i + 1) : "";
			if (AGGREGATIONS.contains(token) && (next.equals("(") || GROUPINGS.contains(next))) {
				List<String> grouping = new ArrayList<>();
				int j = i + 1;
				if (GROUPINGS.contains(tokens.get(j))) {
					String kind = tokens.get(j);
					for (j += 2; !tokens.get(j).equals(")"); j++) {
						grouping.add(kind.equals("by") ? tokens.get(j) : "not by " + tokens.get(j));
					}
					j++;
				}
				open.push(new Frame(token, grouping, true));
				i = j;
			}
			else if (GROUPINGS.contains(token) && next.equals("(")) {
				i = tokens.subList(i, tokens.size()).indexOf(")") + i;
			}
			else if (token.equals("(")) {
				open.push(new Frame("", List.of(), false));
			}
			else if (token.equals(")")) {
				open.pop();
			}
			else if (next.equals("(")) {
				open.push(new Frame(token, List.of(), false));
				i++;
			}
			else if (!KEYWORDS.contains(token) && !immune(open, token)) {
				counted.add(token);
			}
		}
		return counted;
	}

	private static boolean immune(Deque<Frame> open, String metric) {
		if (open.stream().anyMatch((frame) -> frame.name().startsWith("absent"))) {
			return true;
		}
		List<Frame> aggregations = open.stream().filter(Frame::aggregation).toList();
		if (aggregations.isEmpty()) {
			return false;
		}
		Frame first = aggregations.get(0);
		boolean idempotent = first.name().equals("max") || first.name().equals("min");
		return idempotent && (aggregations.size() == 1 || first.grouping().contains("pod"));
	}

	private record Frame(String name, List<String> grouping, boolean aggregation) {
	}

}
