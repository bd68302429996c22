package com.example.testleader.benchmark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import com.example.testleader.local.KubeletStandIn;

/**
 * The objects a Deployment's controllers write, as the rollout scenarios need them: the
 * Deployment {@code test-leader}, a ReplicaSet per revision ({@code test-leader-<hash>},
 * annotated {@code deployment.kubernetes.io/revision}, owned by the Deployment, its
 * {@code spec.replicas} kept as the rollout scales it), and on each pod the revision's
 * {@code pod-template-hash} label and an owner reference to its ReplicaSet. Pods are named as
 * the ReplicaSet controller names them, {@code test-leader-<hash>-<suffix>}; replica names
 * are pod names.
 *
 * <p>
 * The hashes are fixed, and each revision's sorts after the one before: where today's
 * balance breaks a tie by name, it goes to a pod of the older revision (the adverse order; a
 * real hash falls either way). The stand-in creates each pod (as the kubelet would report
 * it); this labels and owns it before its process starts, so the replica never sees it bare.
 */
final class Deployment {

	static final String NAME = "test-leader";

	private static final String NAMESPACE = "default";

	private static final String REVISION = "deployment.kubernetes.io/revision";

	private static final String HASH = "pod-template-hash";

	private static final List<String> HASHES = List.of("5c7f9d8b4", "6d8b7c9f5", "7f9c8d6b5", "8b6d9f7c4");

	private static final List<String> SUFFIXES = List.of("bq2xk", "hz7mw", "lt4vn", "rk9ps", "wd5jf", "xn8gc");

	/** One revision of the pod template: its number and its {@code pod-template-hash}. */
	record Revision(int number, String hash) {
	}

	private final KubernetesClient admin;

	private final OwnerReference deployment;

	private final Map<Integer, OwnerReference> replicaSets = new HashMap<>();

	private final Map<String, Revision> byPod = new ConcurrentHashMap<>();

	private final Map<Integer, Integer> named = new HashMap<>();

	private Revision current;

	/** Creates the Deployment at revision 1 with {@code replicas}, under {@code strategy}. */
	Deployment(KubernetesClient admin, int replicas, Rollout.Strategy strategy) {
		this.admin = admin;
		String uid = UUID.randomUUID().toString();
		admin.apps()
			.deployments()
			.inNamespace(NAMESPACE)
			.resource(new DeploymentBuilder().withMetadata(meta(NAME, uid, KubeletStandIn.LABELS, null))
				.editMetadata()
				.addToAnnotations(REVISION, "1")
				.endMetadata()
				.withNewSpec()
				.withReplicas(replicas)
				.withNewSelector()
				.withMatchLabels(KubeletStandIn.LABELS)
				.endSelector()
				.withNewStrategy()
				.withType("RollingUpdate")
				.withNewRollingUpdate()
				.withMaxSurge(new IntOrString(strategy.maxSurge()))
				.withMaxUnavailable(new IntOrString(strategy.maxUnavailable()))
				.endRollingUpdate()
				.endStrategy()
				.withNewTemplate()
				.withNewMetadata()
				.withLabels(KubeletStandIn.LABELS)
				.endMetadata()
				.endTemplate()
				.endSpec()
				.build())
			.create();
		this.deployment = owner("apps/v1", "Deployment", NAME, uid);
		this.current = replicaSet(replicas);
	}

	/** The revision the Deployment is at. */
	Revision current() {
		return this.current;
	}

	/** A new pod template (as {@code kubectl rollout restart} makes): its ReplicaSet, at 0 replicas. */
	Revision revise() {
		this.current = replicaSet(0);
		this.admin.apps()
			.deployments()
			.inNamespace(NAMESPACE)
			.withName(NAME)
			.edit((d) -> new DeploymentBuilder(d).editMetadata()
				.addToAnnotations(REVISION, String.valueOf(this.current.number()))
				.endMetadata()
				.build());
		return this.current;
	}

	/** The ReplicaSet of the next revision, at {@code replicas}. */
	private Revision replicaSet(int replicas) {
		int number = this.replicaSets.size() + 1;
		Revision revision = new Revision(number, HASHES.get(number - 1));
		String name = NAME + "-" + revision.hash();
		String uid = UUID.randomUUID().toString();
		Map<String, String> labels = labels(revision);
		ObjectMeta meta = meta(name, uid, labels, this.deployment);
		meta.setAnnotations(Map.of(REVISION, String.valueOf(number)));
		this.admin.apps()
			.replicaSets()
			.inNamespace(NAMESPACE)
			.resource(new ReplicaSetBuilder().withMetadata(meta)
				.withNewSpec()
				.withReplicas(replicas)
				.withNewSelector()
				.withMatchLabels(labels)
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.withLabels(labels)
				.endMetadata()
				.endTemplate()
				.endSpec()
				.build())
			.create();
		this.replicaSets.put(number, owner("apps/v1", "ReplicaSet", name, uid));
		return revision;
	}

	/** The next pod name of {@code revision}, as its ReplicaSet would name it. */
	String podName(Revision revision) {
		int index = this.named.merge(revision.number(), 1, Integer::sum) - 1;
		return NAME + "-" + revision.hash() + "-" + SUFFIXES.get(index % SUFFIXES.size())
				+ ((index < SUFFIXES.size()) ? "" : String.valueOf(index / SUFFIXES.size()));
	}

	/** Labels the pod {@code podName} as one of {@code revision} and has its ReplicaSet own it. */
	void own(String podName, Revision revision) {
		this.byPod.put(podName, revision);
		this.admin.pods()
			.inNamespace(NAMESPACE)
			.withName(podName)
			.edit((pod) -> new PodBuilder(pod).editMetadata()
				.addToLabels(HASH, revision.hash())
				.withOwnerReferences(this.replicaSets.get(revision.number()))
				.endMetadata()
				.build());
	}

	/** Sets the {@code spec.replicas} of the ReplicaSet of {@code revision}, as the Deployment controller scales it. */
	void scale(Revision revision, int replicas) {
		this.admin.apps()
			.replicaSets()
			.inNamespace(NAMESPACE)
			.withName(NAME + "-" + revision.hash())
			.edit((rs) -> new ReplicaSetBuilder(rs).editSpec().withReplicas(replicas).endSpec().build());
	}

	/** The revision of the pod a replica runs in, if this Deployment made it. */
	Optional<Revision> revisionOf(String replica) {
		return Optional.ofNullable(this.byPod.get(replica));
	}

	private static Map<String, String> labels(Revision revision) {
		Map<String, String> labels = new HashMap<>(KubeletStandIn.LABELS);
		labels.put(HASH, revision.hash());
		return labels;
	}

	private static ObjectMeta meta(String name, String uid, Map<String, String> labels, OwnerReference owner) {
		ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(name)
			.withNamespace(NAMESPACE)
			.withUid(uid)
			.withLabels(labels);
		if (owner != null) {
			meta.withOwnerReferences(owner);
		}
		return meta.build();
	}

	private static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
		return new OwnerReferenceBuilder().withApiVersion(apiVersion)
			.withKind(kind)
			.withName(name)
			.withUid(uid)
			.withController(true)
			.withBlockOwnerDeletion(true)
			.build();
	}

}
