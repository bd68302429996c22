package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s/monitoring/} as {@code kubectl apply -k} renders it: Kubernetes objects only (the
 * Prometheus Operator's and a ConfigMap for Grafana), every field known to the model.
 */
class MonitoringManifestsTest {

	private static final Path DASHBOARD = Path.of("k8s", "monitoring", "dashboards", "test-leader.json");

	@Test
	void kubectlApplyOfTheMonitoringDirectoryMeetsOnlyKubernetesObjectsKnownToTheModel() throws IOException {
		List<HasMetadata> objects = Manifests.monitoring();
		assertThat(objects).extracting(HasMetadata::getKind)
			.containsExactlyInAnyOrder("ConfigMap", "PrometheusRule", "ServiceMonitor");
		// a kind the model does not know would be read generically, its fields unchecked
		assertThat(objects).noneMatch(GenericKubernetesResource.class::isInstance);
		assertThat(objects).allSatisfy((object) -> assertThat(Manifests.unknownFields(object)).isEmpty());
	}

	@Test
	void prometheusFindsTheReplicasThroughTheServiceMonitorAlone() throws IOException {
		List<HasMetadata> objects = Manifests.all();
		Service service = Manifests.one(objects, Service.class);
		ServiceMonitor monitor = Manifests.one(Manifests.monitoring(), ServiceMonitor.class);
		assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
		assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies((endpoint) -> {
			assertThat(endpoint.getPort()).isEqualTo(service.getSpec().getPorts().get(0).getName());
			assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
		});
		// a second discovery path (the prometheus.io/* convention) would scrape every pod twice
		Map<String, String> annotations = Manifests.one(objects, Deployment.class)
			.getSpec()
			.getTemplate()
			.getMetadata()
			.getAnnotations();
		assertThat((annotations != null) ? annotations.keySet() : List.<String>of())
			.noneSatisfy((key) -> assertThat(key).startsWith("prometheus.io/"));
	}

	@Test
	void grafanasSidecarLoadsTheDashboardThatIsAlsoThereToImport() throws IOException {
		ConfigMap dashboard = Manifests.one(Manifests.monitoring(), ConfigMap.class);
		assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
		String file = DASHBOARD.getFileName().toString();
		assertThat(dashboard.getData()).containsOnlyKeys(file);
		assertThat(dashboard.getData().get(file))
			.as("the ConfigMap holds %s verbatim: copy the JSON into it after editing it", DASHBOARD)
			.isEqualTo(Files.readString(DASHBOARD));
	}

}
