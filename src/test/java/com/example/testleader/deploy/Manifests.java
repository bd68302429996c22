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
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The manifests in {@code k8s/} and {@code k8s/monitoring/}, read with fabric8's model
 * classes (the Prometheus Operator's from fabric8's monitoring model).
 */
public final class Manifests {

	private Manifests() {
	}

	/** Every {@code k8s/*.yaml}, in order: what {@code kubectl apply -f k8s/} applies. */
	public static List<Path> files() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("k8s"))) {
			return files.filter((f) -> f.toString().endsWith(".yaml")).sorted().toList();
		}
	}

	/** Every object of every {@link #files() manifest}. */
	static List<HasMetadata> all() throws IOException {
		return readAll(files());
	}

	/**
	 * Every file {@code kubectl apply -f k8s/monitoring/} reads: the directory's own
	 * {@code .json}, {@code .yaml} and {@code .yml} files (its subdirectories only with -R).
	 */
	public static List<Path> monitoringFiles() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("k8s", "monitoring"))) {
			return files.filter(Files::isRegularFile)
				.filter((f) -> f.getFileName().toString().matches(".*\\.(json|yaml|yml)"))
				.sorted()
				.toList();
		}
	}

	/** Every object of every {@link #monitoringFiles() monitoring manifest}. */
	public static List<HasMetadata> monitoring() throws IOException {
		return readAll(monitoringFiles());
	}

	private static List<HasMetadata> readAll(List<Path> files) throws IOException {
		List<HasMetadata> objects = new ArrayList<>();
		for (Path file : files) {
			objects.addAll(read(file));
		}
		return objects;
	}

	static List<HasMetadata> read(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			Object parsed = new KubernetesSerialization().unmarshal(in);
			List<?> objects = (parsed instanceof List<?> list) ? list : List.of(parsed);
			for (Object object : objects) {
				if (!(object instanceof HasMetadata)) {
					throw new IllegalStateException(file + " is not a Kubernetes object (apiVersion, kind, metadata): "
							+ "kubectl apply -f rejects it");
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

}
