package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring-boot:build-image} builds the image, also under skaffold; these machines have
 * no Docker, so the configuration is checked here and the real build is left to machines
 * with one.
 */
class ImageBuildTest {

	private static final Pattern BUILDER = Pattern.compile("paketobuildpacks/builder-[\\w.-]+(:[\\w.-]+)?");

	@Test
	void buildImageMakesANonRootJava17ImageNamedTestLeader() throws Exception {
		assertThat(ImageBuild.imageName()).startsWith("test-leader:");
		// Paketo's builders run the application as a non-root user
		assertThat(ImageBuild.text(ImageBuild.configuration(), "builder")).startsWith("paketobuildpacks/builder-");
		assertThat(ImageBuild.env()).containsEntry("BP_JVM_VERSION", "17");
	}

	/**
	 * The image starts on a class data sharing archive from a training run with options of its
	 * own (the run itself is made, the buildpack's way, by {@code CdsTrainingRunIT}).
	 */
	@Test
	void theImageIsBuiltWithAClassDataSharingArchiveFromATrainingRunOfItsOwn() throws Exception {
		Map<String, String> env = ImageBuild.env();
		assertThat(env).containsEntry("BP_JVM_AOTCACHE_ENABLED", "true");
		// the buildpack refuses training options together with Spring AOT (AOT is not used:
		// it would fix the cloud-platform condition, and so the Kubernetes client, at build time)
		assertThat(env).doesNotContainKey("BP_SPRING_AOT_ENABLED");
		// without them the training run would get the build's JAVA_TOOL_OPTIONS, and no API server
		assertThat(env.get("TRAINING_RUN_JAVA_TOOL_OPTIONS")).contains("-Dspring.main.cloud-platform=kubernetes")
			.doesNotContain("\n");
		// the class path trained on is the jar's own (see CdsTrainingRunIT)
		assertThat(env).containsEntry("BP_SPRING_CLOUD_BINDINGS_DISABLED", "true");
	}

	@Test
	void theBuilderIsPinnedToAReleaseEverywhereItIsNamed() throws Exception {
		String builder = ImageBuild.text(ImageBuild.configuration(), "builder");
		assertThat(builder).matches("paketobuildpacks/builder-noble-java-tiny:\\d+\\.\\d+\\.\\d+");
		List<String> named = new ArrayList<>();
		for (Path file : textFiles()) {
			Matcher matcher = BUILDER.matcher(Files.readString(file));
			while (matcher.find()) {
				named.add(file + ": " + matcher.group());
			}
		}
		assertThat(named).isNotEmpty().allSatisfy((mention) -> assertThat(mention).endsWith(": " + builder));
	}

	@Test
	@SuppressWarnings("unchecked")
	void skaffoldRunsBuildImageUnderTheNameItChoseAndDeploysTheManifestsToKind() throws Exception {
		Map<String, Object> skaffold = new Yaml().load(Files.readString(Path.of("skaffold.yaml")));
		assertThat(skaffold).containsEntry("apiVersion", "skaffold/v4beta13");
		Map<String, Object> artifact = ((List<Map<String, Object>>) ((Map<String, Object>) skaffold.get("build"))
			.get("artifacts")).get(0);
		// no buildpacks builder: it would build from source inside the builder, a second build
		assertThat(artifact).containsOnlyKeys("image", "custom");
		assertThat(ImageBuild.imageName()).startsWith(artifact.get("image") + ":");
		Map<String, Object> custom = (Map<String, Object>) artifact.get("custom");
		assertThat(((String) custom.get("buildCommand")).split("\\s+")).startsWith("./mvnw")
			.contains("spring-boot:build-image", "-Dspring-boot.build-image.imageName=$IMAGE",
					"-Dspring-boot.build-image.publish=$PUSH_IMAGE");
		// a <name> in the plugin's <image> would win over -Dspring-boot.build-image.imageName
		assertThat(ImageBuild.children(ImageBuild.configuration(), "name")).isEmpty();
		// skaffold dev rebuilds when what goes into the image changes
		assertThat((List<String>) ((Map<String, Object>) custom.get("dependencies")).get("paths"))
			.contains("pom.xml", "src/main");

		Map<String, Object> manifests = (Map<String, Object>) skaffold.get("manifests");
		// through the kustomization, as kubectl apply -k: the namespace it names, every resource it lists
		assertThat(manifests).containsOnlyKeys("kustomize");
		assertThat((List<String>) ((Map<String, Object>) manifests.get("kustomize")).get("paths"))
			.containsExactly(Manifests.SERVICE.toString());
		Map<String, Object> deploy = (Map<String, Object>) skaffold.get("deploy");
		assertThat(deploy).containsKey("kubectl").containsEntry("kubeContext", "kind-kind");
		assertThat((Map<String, Object>) deploy.get("logs")).containsEntry("prefix", "podAndContainer");

		Map<String, Object> forward = ((List<Map<String, Object>>) skaffold.get("portForward")).get(0);
		Service service = Manifests.one(Manifests.all(), Service.class);
		assertThat(forward).containsEntry("resourceType", "service")
			.containsEntry("resourceName", service.getMetadata().getName())
			.containsEntry("port", service.getSpec().getPorts().get(0).getPort());
	}

	@Test
	void theDeploymentRunsTheTagTheBuildGivesAndTheReadmeLoadsWithoutPullingIt() throws Exception {
		// :latest (or no tag) means imagePullPolicy Always: on kind, ImagePullBackOff
		String image = ImageBuild.imageName();
		assertThat(image).matches("[^:]+:[^:]+").doesNotEndWith(":latest");
		Container container = ManifestsTest.container(Manifests.one(Manifests.all(), Deployment.class));
		assertThat(container.getImage()).isEqualTo(image);
		assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
		assertThat(Files.readString(Path.of("README.md"))).contains("kind load docker-image " + image);
	}

	/** The files that may name the builder: build files, documentation, manifests. */
	private static List<Path> textFiles() throws IOException {
		List<Path> files = new ArrayList<>(List.of(Path.of("pom.xml"), Path.of("skaffold.yaml"), Path.of("README.md"),
				Path.of("HELP.md")));
		try (Stream<Path> manifests = Files.walk(Path.of("k8s"))) {
			manifests.filter(Files::isRegularFile).forEach(files::add);
		}
		try (Stream<Path> documentation = Files.walk(Path.of("docs"))) {
			documentation.filter(Files::isRegularFile).forEach(files::add);
		}
		return files;
	}

}
