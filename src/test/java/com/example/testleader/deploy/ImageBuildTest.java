package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring-boot:build-image} and skaffold build the same image; these machines have no
 * Docker, so the configuration is checked here and the real build is left to machines with
 * one.
 */
class ImageBuildTest {

	@Test
	void buildImageMakesANonRootJava17ImageNamedTestLeader() throws Exception {
		Element image = imageConfiguration();
		assertThat(imageName()).startsWith("test-leader:");
		// Paketo's builders run the application as a non-root user
		assertThat(text(image, "builder")).startsWith("paketobuildpacks/builder-");
		assertThat(text((Element) image.getElementsByTagName("env").item(0), "BP_JVM_VERSION")).isEqualTo("17");
	}

	@Test
	@SuppressWarnings("unchecked")
	void skaffoldBuildsTheSameImageAndDeploysTheManifestsToKind() throws Exception {
		Map<String, Object> skaffold = new Yaml().load(Files.readString(Path.of("skaffold.yaml")));
		Map<String, Object> artifact = ((List<Map<String, Object>>) ((Map<String, Object>) skaffold.get("build"))
			.get("artifacts")).get(0);
		Map<String, Object> buildpacks = (Map<String, Object>) artifact.get("buildpacks");
		Element image = imageConfiguration();
		assertThat(imageName()).startsWith(artifact.get("image") + ":");
		assertThat(buildpacks.get("builder")).isEqualTo(text(image, "builder"));
		assertThat((List<String>) buildpacks.get("env")).contains("BP_JVM_VERSION=17");

		Map<String, Object> manifests = (Map<String, Object>) skaffold.get("manifests");
		assertThat((List<String>) manifests.get("rawYaml")).containsExactly("k8s/*.yaml");
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
		String image = imageName();
		assertThat(image).matches("[^:]+:[^:]+").doesNotEndWith(":latest");
		Container container = ManifestsTest.container(Manifests.one(Manifests.all(), Deployment.class));
		assertThat(container.getImage()).isEqualTo(image);
		assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
		assertThat(Files.readString(Path.of("README.md"))).contains("kind load docker-image " + image);
	}

	/** The name {@code spring-boot:build-image} gives the image, properties resolved. */
	private static String imageName() throws Exception {
		Element project = pom().getDocumentElement();
		String version = null;
		for (int i = 0; i < project.getChildNodes().getLength(); i++) {
			if (project.getChildNodes().item(i).getNodeName().equals("version")) {
				version = project.getChildNodes().item(i).getTextContent().trim();
			}
		}
		return text(imageConfiguration(), "name").replace("${project.version}", version);
	}

	private static Document pom() throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
	}

	private static Element imageConfiguration() throws Exception {
		NodeList plugins = pom().getElementsByTagName("plugin");
		for (int i = 0; i < plugins.getLength(); i++) {
			Element plugin = (Element) plugins.item(i);
			if (text(plugin, "artifactId").equals("spring-boot-maven-plugin")) {
				return (Element) plugin.getElementsByTagName("image").item(0);
			}
		}
		throw new IOException("No spring-boot-maven-plugin in pom.xml");
	}

	private static String text(Element parent, String tag) {
		return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
	}

}
