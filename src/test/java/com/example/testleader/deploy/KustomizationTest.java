package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code k8s/} and {@code k8s/monitoring/} as kustomizations: {@code kubectl apply -k} deploys
 * every manifest, and the namespace is named once, so that an overlay moves everything.
 */
class KustomizationTest {

	private static final Path OVERLAY = Path.of("target", "overlay-team-a");

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	@Test
	void everyManifestIsAResourceOfItsFoldersKustomizationExactlyOnce() throws IOException {
		for (Path folder : List.of(Manifests.SERVICE, Manifests.MONITORING)) {
			Kustomization kustomization = Kustomization.of(folder);
			assertThat(kustomization.resources()).as(folder + "/kustomization.yaml")
				.doesNotHaveDuplicates()
				.containsExactlyInAnyOrderElementsOf(manifestsIn(folder));
		}
		// the monitoring needs the Prometheus Operator's CRDs: the service must deploy without them
		assertThat(Kustomization.of(Manifests.SERVICE).files()).noneMatch((file) -> file.startsWith(Manifests.MONITORING));
		assertThat(Manifests.all()).extracting(HasMetadata::getKind)
			.doesNotContain("ServiceMonitor", "PrometheusRule");
	}

	/** The files {@code kubectl apply -f} would read in a folder: its own manifests, not below. */
	private static List<String> manifestsIn(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> file.getFileName().toString())
				.filter((name) -> name.matches(".*\\.(json|yaml|yml)") && !name.equals(Kustomization.FILE))
				.toList();
		}
	}

	@Test
	void theNamespaceIsNamedByTheKustomizationsAndReachesEveryObject() throws IOException {
		Kustomization service = Kustomization.of(Manifests.SERVICE);
		// the README's path and the tests' clusters use default
		assertThat(service.namespace()).isEqualTo("default");
		assertThat(Kustomization.of(Manifests.MONITORING).namespace()).isEqualTo(service.namespace());
		// no manifest names a namespace of its own, but for the one field the API requires: the
		// ClusterRoleBinding's subject, which names the kustomization's, so that kustomize
		// recognises the ServiceAccount in it and moves it along
		List<HasMetadata> files = new ArrayList<>();
		for (Path file : Stream.concat(Manifests.files().stream(), Manifests.monitoringFiles().stream()).toList()) {
			files.addAll(Manifests.read(file));
		}
		assertThat(files).allSatisfy((object) -> assertThat(object.getMetadata().getNamespace()).as(object.getFullResourceName()).isNull());
		assertThat(subjects(files)).filteredOn((subject) -> subject.getNamespace() != null)
			.singleElement()
			.satisfies((subject) -> assertThat(subject.getNamespace()).isEqualTo(service.namespace()));
		assertThat(Manifests.one(files, ClusterRoleBinding.class).getSubjects()).singleElement()
			.satisfies((subject) -> assertThat(subject.getNamespace()).isNotNull());

		List<HasMetadata> rendered = new ArrayList<>(Manifests.all());
		rendered.addAll(Manifests.monitoring());
		assertThat(rendered).filteredOn(Namespaced.class::isInstance)
			.allSatisfy((object) -> assertThat(object.getMetadata().getNamespace()).isEqualTo("default"));
		assertThat(subjects(rendered)).allSatisfy((subject) -> assertThat(subject.getNamespace()).isEqualTo("default"));
	}

	/**
	 * A user's overlay, as the comment in {@code k8s/kustomization.yaml} shows it: one line, and
	 * nothing of the service stays in {@code default}, the ClusterRoleBinding's subject included.
	 */
	@Test
	void anOverlayThatSetsAnotherNamespaceLeavesNothingInDefault() throws IOException {
		List<HasMetadata> objects = Kustomization.of(overlay()).render();

		assertThat(objects).hasSize(Manifests.all().size() + Manifests.monitoring().size());
		assertThat(objects).filteredOn(Namespaced.class::isInstance)
			.isNotEmpty()
			.allSatisfy((object) -> assertThat(object.getMetadata().getNamespace()).isEqualTo("team-a"));
		assertThat(objects).filteredOn((object) -> !(object instanceof Namespaced))
			.extracting(HasMetadata::getKind)
			.containsExactly("ClusterRoleBinding");
		assertThat(subjects(objects)).hasSize(2)
			.allSatisfy((subject) -> assertThat(subject.getNamespace()).isEqualTo("team-a"));
		// no field anywhere still says default
		assertThat(objects).allSatisfy((object) -> assertThat(
				Manifests.valuesEqualTo(SERIALIZATION.convertValue(object, JsonNode.class), "default"))
			.as(object.getFullResourceName())
			.isZero());
		// and the service finds its namespace where the overlay put it: the pod's own, through
		// the downward API, with nothing in its configuration to override it
		EnvVar namespace = ManifestsTest.container(Manifests.one(objects, Deployment.class))
			.getEnv()
			.stream()
			.filter((variable) -> variable.getName().equals("POD_NAMESPACE"))
			.findFirst()
			.orElseThrow();
		assertThat(namespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
		Binder configuration = new Binder(ConfigurationPropertySources.from(
				new YamlPropertySourceLoader().load("application.yaml", new ClassPathResource("application.yaml"))));
		assertThat(configuration.bind("test-leader.election.namespace", String.class).isBound()).isFalse();
	}

	/**
	 * The model above against kustomize itself, where kubectl is installed (it is not part of
	 * the build): the same objects for both folders and for the overlay.
	 */
	@Test
	void theModelRendersWhatKubectlKustomizeRenders() throws Exception {
		assumeThat(kubectlKustomize(Manifests.SERVICE)).as("kubectl kustomize (kubectl on the PATH)").isNotNull();
		for (Path folder : List.of(Manifests.SERVICE, Manifests.MONITORING, overlay())) {
			assertThat(json(Kustomization.of(folder).render())).as(folder.toString())
				.containsExactlyInAnyOrderElementsOf(json(kubectlKustomize(folder)));
		}
	}

	private static List<JsonNode> json(List<HasMetadata> objects) {
		return objects.stream().map((object) -> SERIALIZATION.convertValue(object, JsonNode.class)).toList();
	}

	/** What {@code kubectl kustomize folder} prints, or null without kubectl. */
	private static List<HasMetadata> kubectlKustomize(Path folder) throws IOException, InterruptedException {
		Path output = Files.createTempFile(Path.of("target"), "kustomized", ".yaml");
		output.toFile().deleteOnExit();
		Process process;
		try {
			process = new ProcessBuilder("kubectl", "kustomize", folder.toString()).redirectOutput(output.toFile())
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
		}
		catch (IOException ex) {
			return null;
		}
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize ended").isTrue();
		assertThat(process.exitValue()).as("kubectl kustomize " + folder + ": " + Files.readString(output, StandardCharsets.UTF_8)).isZero();
		return Manifests.read(output);
	}

	/** An overlay of both folders that sets the namespace team-a, under target/. */
	private static Path overlay() throws IOException {
		Files.createDirectories(OVERLAY);
		Files.writeString(OVERLAY.resolve(Kustomization.FILE), """
				apiVersion: kustomize.config.k8s.io/v1beta1
				kind: Kustomization
				namespace: team-a
				resources:
				  - ../../k8s
				  - ../../k8s/monitoring
				""");
		return OVERLAY;
	}

	private static List<Subject> subjects(List<HasMetadata> objects) {
		List<Subject> subjects = new ArrayList<>();
		for (HasMetadata object : objects) {
			if (object instanceof RoleBinding binding) {
				subjects.addAll(binding.getSubjects());
			}
			if (object instanceof ClusterRoleBinding binding) {
				subjects.addAll(binding.getSubjects());
			}
		}
		return subjects;
	}

}
