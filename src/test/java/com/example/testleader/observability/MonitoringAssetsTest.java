package com.example.testleader.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.deploy.Manifests;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard and the alert rules in {@code k8s/monitoring} reference only
 * metrics a running replica really exports, and count a pod scraped twice once.
 */
class MonitoringAssetsTest {

	private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
			"on", "ignoring", "group_left", "group_right");

	@Test
	void theDashboardAndTheAlertsReferenceOnlyExportedMetrics() throws IOException {
		Set<String> referenced = new TreeSet<>();
		expressionsOfDashboard().forEach((expression) -> referenced.addAll(metricsIn(expression)));
		expressionsOfAlerts().forEach((expression) -> referenced.addAll(metricsIn(expression)));
		assertThat(referenced).contains("leader_election_master_status", "leader_election_renewals_total",
				"critical_task_runs_total", "critical_task_last_success_age_seconds");

		assertThat(exported()).containsAll(referenced);
	}

	@Test
	void promqlMetricNamesAreFoundAndLabelsFunctionsAndRangesAreNot() {
		assertThat(metricsIn("sum by (name, pod) (increase(a_total{outcome!=\"success\", x=~\"y|z\"}[5m])) > 0 "
				+ "or absent(b_status{application=\"t\"}) / on (pod) c_seconds_max"))
			.containsExactlyInAnyOrder("a_total", "b_status", "c_seconds_max");
		assertThat(metricsIn("label_values(leader_election_master_status{application=\"t\"}, name)"))
			.containsExactly("leader_election_master_status");
	}

	@Test
	void aPodScrapedTwiceCountsOnceInEveryAlertAndPanel() throws IOException {
		// the ServiceMonitor is the one discovery path, but a Prometheus may still find the
		// pods another way too: "more than one leader" must not fire on one leader then
		List<String> expressions = new ArrayList<>(expressionsOfAlerts());
		expressions.addAll(expressionsOfPanels());
		assertThat(expressions).isNotEmpty()
			.allSatisfy((expression) -> assertThat(PerPodAggregation.countedTwice(expression)).as(expression).isEmpty());
	}

	@Test
	void sumsOverRawSeriesAreCountedTwiceAndMaximaPerPodAreNot() {
		assertThat(PerPodAggregation.countedTwice("sum by (name) (a_status{x=\"y\"}) > 1")).containsExactly("a_status");
		assertThat(PerPodAggregation.countedTwice("sum by (name) (max by (name, pod) (a_status{x=\"y\"})) > 1"))
			.isEmpty();
		// pods merged before the sum
		assertThat(PerPodAggregation.countedTwice("sum(max by (name) (a_status))")).containsExactly("a_status");
		assertThat(PerPodAggregation.countedTwice("sum(rate(a_sum[5m])) / sum(max by (pod) (rate(a_count[5m])))"))
			.containsExactly("a_sum");
		// not aggregated: each alert twice
		assertThat(PerPodAggregation.countedTwice("rate(a_total[5m]) > 0")).containsExactly("a_total");
		assertThat(PerPodAggregation.countedTwice("max(a_token) or absent(b_status{x=\"y\"})")).isEmpty();
		assertThat(PerPodAggregation.countedTwice("max by (pod) (increase(a_total[5m])) > 0")).isEmpty();
	}

	private static List<String> expressionsOfDashboard() throws IOException {
		List<String> expressions = new ArrayList<>(expressionsOfPanels());
		dashboard().path("templating").path("list").forEach((variable) -> {
			if (variable.path("type").asText().equals("query")) {
				expressions.add(variable.path("definition").asText());
			}
		});
		return expressions;
	}

	private static List<String> expressionsOfPanels() throws IOException {
		List<String> expressions = new ArrayList<>();
		dashboard().path("panels")
			.forEach((panel) -> panel.path("targets").forEach((target) -> expressions.add(target.path("expr").asText())));
		return expressions;
	}

	private static JsonNode dashboard() throws IOException {
		return new ObjectMapper().readTree(Files.readString(Path.of("k8s/monitoring/dashboards/test-leader.json")));
	}

	private static List<String> expressionsOfAlerts() throws IOException {
		PrometheusRule rules = Manifests.one(Manifests.monitoring(), PrometheusRule.class);
		return rules.getSpec()
			.getGroups()
			.stream()
			.flatMap((group) -> group.getRules().stream())
			.map((rule) -> rule.getExpr().getStrVal())
			.toList();
	}

	/** Metric names in a PromQL expression (or a Grafana label_values query). */
	static Set<String> metricsIn(String expression) {
		String stripped = expression.replaceAll("\"[^\"]*\"", "")
			.replaceAll("\\{[^}]*}", "")
			.replaceAll("\\[[^]]*]", "")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
			.replaceAll("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)", "$1");
		Set<String> metrics = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(stripped);
		while (matcher.find()) {
			String rest = stripped.substring(matcher.end()).stripLeading();
			boolean function = rest.startsWith("(");
			boolean variable = matcher.start() > 0 && stripped.charAt(matcher.start() - 1) == '$';
			if (!function && !variable && !KEYWORDS.contains(matcher.group())) {
				metrics.add(matcher.group());
			}
		}
		return metrics;
	}

	private static Set<String> exported() {
		try (LocalKubernetesApi api = LocalKubernetesApi.start(0);
				Replica replica = Replica.start("replica-a", api.url(), new WorkLog(Duration.ofMillis(1)), Replica.WEB)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
			String scrape = Http.get(replica.management() + "/actuator/prometheus").body();
			return scrape.lines()
				.filter((line) -> !line.startsWith("#") && !line.isBlank())
				.map((line) -> line.split("[{ ]", 2)[0])
				.collect(Collectors.toCollection(TreeSet::new));
		}
	}

}
