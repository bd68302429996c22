package com.example.testleader.k3s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real k3s for every {@code *IT} in the JVM, started on first use. Tests that need it
 * are enabled only if {@link #dockerAvailable()}: machines without a Docker engine skip
 * them, saying so.
 */
public final class K3sCluster {

	public static final String SKIP_REASON = "needs a Docker engine to run k3s, and none is reachable here; the same "
			+ "scenarios run against the in-process API in the *Test classes";

	private static final DockerImageName IMAGE = DockerImageName.parse("rancher/k3s:v1.31.2-k3s1");

	private static K3sContainer container;

	private K3sCluster() {
	}

	public static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	/** Admin client configuration of the cluster (its kubeconfig). */
	public static synchronized Config config() {
		if (container == null) {
			container = new K3sContainer(IMAGE);
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
		}
		return Config.fromKubeconfig(container.getKubeConfigYaml());
	}

	public static KubernetesClient adminClient() {
		return new KubernetesClientBuilder().withConfig(config()).build();
	}

	/** Creates every object of a manifest file in {@code namespace}, as an administrator. */
	public static void apply(Path manifest, String namespace) throws IOException {
		try (KubernetesClient admin = adminClient(); InputStream in = Files.newInputStream(manifest)) {
			for (HasMetadata object : admin.load(in).items()) {
				admin.resource(object).inNamespace(namespace).create();
			}
		}
	}

	/** A client configuration that acts as {@code serviceAccount} of {@code namespace}. */
	public static Config as(String namespace, String serviceAccount) {
		return new ConfigBuilder(config())
			.withImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount)
			.withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace,
					"system:authenticated")
			.build();
	}

}
