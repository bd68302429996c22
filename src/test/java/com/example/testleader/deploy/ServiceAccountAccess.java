package com.example.testleader.deploy;

import java.util.List;

/**
 * What the manifests' ServiceAccount may do, and a sample of what it may not, as requests
 * to an authorizer: what the service does ({@link RbacCoversTheElectionTest} records the
 * verbs of an election; the operator endpoints add the two reviews) and nothing else. The
 * k3s suite asks a real authorizer ({@code LeaseElectionK3sIT}); {@link ServiceAccountAccessTest}
 * evaluates the manifests' RBAC by the same rules in every build, so that the expectations
 * cannot drift from the manifests where no Docker runs the k3s suite.
 */
public final class ServiceAccountAccess {

	/** The namespace the manifests are applied to. */
	public static final String NAMESPACE = "default";

	/** The ServiceAccount of the manifests, as the API server names its user. */
	public static final String USER = "system:serviceaccount:" + NAMESPACE + ":test-leader";

	private ServiceAccountAccess() {
	}

	/**
	 * One request of the ServiceAccount.
	 *
	 * @param namespace its namespace, {@code null} for a cluster-scoped resource
	 * @param group the API group, {@code ""} for the core group
	 * @param resource the resource, with its subresource after a slash ({@code pods/log})
	 * @param verb the RBAC verb
	 * @param name the object's name, {@code null} for none (create, list, watch)
	 * @param allowed whether it must be allowed (otherwise: denied)
	 */
	public record Request(String namespace, String group, String resource, String verb, String name,
			boolean allowed) {

		public String resourceOnly() {
			return this.resource.split("/", 2)[0];
		}

		public String subresource() {
			String[] parts = this.resource.split("/", 2);
			return (parts.length > 1) ? parts[1] : null;
		}

		@Override
		public String toString() {
			return (this.allowed ? "allowed: " : "denied: ") + this.verb + " "
					+ (this.group.isEmpty() ? "" : this.group + "/") + this.resource
					+ ((this.name != null) ? " " + this.name : "")
					+ ((this.namespace != null) ? " in " + this.namespace : " cluster-wide");
		}

	}

	/** Every request checked, allowed and denied. */
	public static List<Request> expected() {
		return List.of(
				// its Lease: the elector's get and update, its informer's list and watch (by name)
				allowed("coordination.k8s.io", "leases", "get", "test-lease"),
				allowed("coordination.k8s.io", "leases", "update", "test-lease"),
				allowed("coordination.k8s.io", "leases", "list", "test-lease"),
				allowed("coordination.k8s.io", "leases", "watch", "test-lease"),
				// creation cannot be limited by name: the object does not exist yet
				allowed("coordination.k8s.io", "leases", "create", null),
				denied("coordination.k8s.io", "leases", "get", "another-lease"),
				denied("coordination.k8s.io", "leases", "update", "another-lease"),
				denied("coordination.k8s.io", "leases", "list", null),
				denied("coordination.k8s.io", "leases", "delete", "test-lease"),
				denied("coordination.k8s.io", "leases", "patch", "test-lease"),
				// the application's pods: listed and watched (early takeover, the balance of
				// roles), never read by name nor written
				allowed("", "pods", "list", null), allowed("", "pods", "watch", null),
				denied("", "pods", "get", "test-leader-0"), denied("", "pods", "update", "test-leader-0"),
				denied("", "pods", "delete", "test-leader-0"), denied("", "pods/log", "get", "test-leader-0"),
				// the Events of leadership changes: core events, created only
				allowed("", "events", "create", null), denied("", "events", "patch", "test-lease.1"),
				denied("", "events", "list", null), denied("events.k8s.io", "events", "create", null),
				// the operator endpoints' reviews: cluster-scoped, hence the ClusterRoleBinding
				new Request(null, "authentication.k8s.io", "tokenreviews", "create", null, true),
				new Request(null, "authorization.k8s.io", "subjectaccessreviews", "create", null, true),
				// nothing else
				denied("", "configmaps", "get", "leaders"), denied("", "secrets", "list", null),
				denied("apps", "deployments", "get", "test-leader"),
				new Request("kube-system", "coordination.k8s.io", "leases", "get", "test-lease", false),
				new Request("kube-system", "", "pods", "list", null, false),
				new Request(null, "", "namespaces", "list", null, false),
				new Request(null, "", "nodes", "get", "node-1", false));
	}

	private static Request allowed(String group, String resource, String verb, String name) {
		return new Request(NAMESPACE, group, resource, verb, name, true);
	}

	private static Request denied(String group, String resource, String verb, String name) {
		return new Request(NAMESPACE, group, resource, verb, name, false);
	}

}
