package com.example.testleader.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The manifests in {@code k8s/} and {@code k8s/monitoring/}, as their kustomizations render
 * them ({@link Kustomization}), read with fabric8's model classes (the Prometheus Operator's
 * from fabric8's monitoring model).
 */
public final class Manifests {

	static final Path SERVICE = Path.of("k8s");

	static final Path MONITORING = Path.of("k8s", "monitoring");

	private Manifests() {
	}

	/** The files {@code kubectl apply -k k8s/} reads, in the kustomization's order. */
	public static List<Path> files() throws IOException {
		return Kustomization.of(SERVICE).files();
	}

	/** Every object {@code kubectl apply -k k8s/} applies: the kustomization rendered. */
	static List<HasMetadata> all() throws IOException {
		return Kustomization.of(SERVICE).render();
	}

	/** The files {@code kubectl apply -k k8s/monitoring/} reads, in the kustomization's order. */
	public static List<Path> monitoringFiles() throws IOException {
		return Kustomization.of(MONITORING).files();
	}

	/** Every object {@code kubectl apply -k k8s/monitoring/} applies: the kustomization rendered. */
	public static List<HasMetadata> monitoring() throws IOException {
		return Kustomization.of(MONITORING).render();
	}

	static List<HasMetadata> read(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			Object parsed = new KubernetesSerialization().unmarshal(in);
			List<?> objects = (parsed instanceof List<?> list) ? list : List.of(parsed);
			for (Object object : objects) {
				if (!(object instanceof HasMetadata)) {
					throw new IllegalStateException(file + " is not a Kubernetes object (apiVersion, kind, metadata): "
							+ "kubectl apply -k rejects it");
				}
			}
			return objects.stream().map(HasMetadata.class::cast).toList();
		}
	}

	public static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
		List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
		if (found.size() != 1) {
			throw new IllegalStateException("Expected one " + type.getSimpleName() + " in k8s/, found " + found.size());
		}
		return found.get(0);
	}

	/**
	 * Fields that the model did not know: fabric8 keeps them in {@code additionalProperties}
	 * instead of failing, so a misspelled key would otherwise pass unnoticed.
	 */
	static List<String> unknownFields(Object model) {
		List<String> unknown = new ArrayList<>();
		walk(model, model.getClass().getSimpleName(), unknown);
		return unknown;
	}

	private static void walk(Object node, String path, List<String> unknown) {
		if (node instanceof Collection<?> collection) {
			int i = 0;
			for (Object each : collection) {
				walk(each, path + "[" + i++ + "]", unknown);
			}
			return;
		}
		if (node instanceof Map<?, ?> map) {
			map.forEach((key, value) -> walk(value, path + "." + key, unknown));
			return;
		}
		if (!(node instanceof KubernetesResource)) {
			return;
		}
		for (Method getter : node.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
				continue;
			}
			Object value;
			try {
				value = getter.invoke(node);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
			String name = getter.getName().substring(3);
			if (name.equals("AdditionalProperties")) {
				((Map<?, ?>) value).keySet().forEach((key) -> unknown.add(path + "." + key));
			}
			else if (value != null) {
				walk(value, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), unknown);
			}
		}
	}

	/** How many text values anywhere in {@code node} equal {@code value}. */
	static long valuesEqualTo(JsonNode node, String value) {
		if (node.isTextual()) {
			return node.asText().equals(value) ? 1 : 0;
		}
		long count = 0;
		for (JsonNode child : node) {
			count += valuesEqualTo(child, value);
		}
		return count;
	}

}
