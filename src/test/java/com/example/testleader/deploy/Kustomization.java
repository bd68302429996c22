package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.yaml.snakeyaml.Yaml;

/**
 * A {@code kustomization.yaml} and what {@code kubectl kustomize} renders from it, for the
 * fields this project uses and no others: {@code resources} (files, or folders holding a
 * kustomization of their own) and {@code namespace}. Any other field is refused, so that a
 * kustomization using more than this can model fails here instead of being rendered wrong.
 * <p>
 * The namespace is applied as kustomize's transformers do: on every namespaced object (the
 * model's {@link Namespaced} kinds), and on the {@code ServiceAccount} subjects of
 * RoleBindings and ClusterRoleBindings that name a ServiceAccount of the same kustomization,
 * by name and by namespace (a subject without one matches any; kustomize's name reference),
 * and on subjects named {@code default} (its namespace transformer). A subject naming an
 * account from elsewhere keeps its namespace. {@code KustomizationTest} compares this rendering
 * with {@code kubectl kustomize} where kubectl is installed.
 */
record Kustomization(Path directory, String namespace, List<String> resources) {

	static final String FILE = "kustomization.yaml";

	/** The fields kustomize reads that this model renders. */
	private static final Set<String> MODELLED = Set.of("apiVersion", "kind", "namespace", "resources");

	@SuppressWarnings("unchecked")
	static Kustomization of(Path directory) throws IOException {
		Map<String, Object> yaml = new Yaml().load(Files.readString(directory.resolve(FILE)));
		if (!MODELLED.containsAll(yaml.keySet())) {
			throw new IllegalStateException(directory.resolve(FILE) + " uses fields that this model does not render: "
					+ yaml.keySet().stream().filter((key) -> !MODELLED.contains(key)).toList());
		}
		if (!"kustomize.config.k8s.io/v1beta1".equals(yaml.get("apiVersion")) || !"Kustomization".equals(yaml.get("kind"))) {
			throw new IllegalStateException(directory.resolve(FILE) + " is not a kustomize.config.k8s.io/v1beta1 Kustomization");
		}
		List<String> resources = (List<String>) yaml.getOrDefault("resources", List.of());
		return new Kustomization(directory, (String) yaml.get("namespace"), List.copyOf(resources));
	}

	/** The files the resources name, in order, those of nested kustomizations in their place. */
	List<Path> files() throws IOException {
		List<Path> files = new ArrayList<>();
		for (String resource : this.resources) {
			Path path = this.directory.resolve(resource).normalize();
			if (Files.isDirectory(path)) {
				files.addAll(of(path).files());
			}
			else {
				files.add(path);
			}
		}
		return files;
	}

	/** The objects {@code kubectl kustomize} gives for this folder (in the files' order). */
	List<HasMetadata> render() throws IOException {
		List<HasMetadata> objects = new ArrayList<>();
		for (String resource : this.resources) {
			Path path = this.directory.resolve(resource).normalize();
			if (Files.isDirectory(path)) {
				objects.addAll(of(path).render());
			}
			else if (Files.isRegularFile(path)) {
				objects.addAll(Manifests.read(path));
			}
			else {
				throw new IllegalStateException(this.directory.resolve(FILE) + " names " + resource
						+ ", which does not exist: kubectl kustomize fails");
			}
		}
		if (this.namespace != null) {
			setNamespace(objects, this.namespace);
		}
		return objects;
	}

	private static void setNamespace(List<HasMetadata> objects, String namespace) {
		// the accounts' namespaces before this layer moves them, to match the subjects against
		List<ServiceAccount> accounts = objects.stream()
			.filter(ServiceAccount.class::isInstance)
			.map(ServiceAccount.class::cast)
			.toList();
		List<String> accountNamespaces = accounts.stream().map((account) -> namespaceOf(account)).toList();
		for (HasMetadata object : objects) {
			List<Subject> subjects = (object instanceof RoleBinding binding) ? binding.getSubjects()
					: (object instanceof ClusterRoleBinding binding) ? binding.getSubjects() : List.of();
			for (Subject subject : (subjects != null) ? subjects : List.<Subject>of()) {
				if (!"ServiceAccount".equals(subject.getKind())) {
					continue;
				}
				boolean managed = false;
				for (int i = 0; i < accounts.size(); i++) {
					managed |= accounts.get(i).getMetadata().getName().equals(subject.getName())
							&& (subject.getNamespace() == null
									|| Objects.equals(accountNamespaces.get(i), subject.getNamespace()));
				}
				if (managed || "default".equals(subject.getName())) {
					subject.setNamespace(namespace);
				}
			}
		}
		objects.stream()
			.filter(Namespaced.class::isInstance)
			.forEach((object) -> object.getMetadata().setNamespace(namespace));
	}

	/** kustomize, like the API server, reads no namespace as {@code default}. */
	private static String namespaceOf(HasMetadata object) {
		String namespace = object.getMetadata().getNamespace();
		return (namespace != null) ? namespace : "default";
	}

}
