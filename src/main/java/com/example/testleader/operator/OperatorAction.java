package com.example.testleader.operator;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;

/**
 * A write operation of an operator endpoint and the permission on a real object that
 * stands for it: whoever may do the equivalent with {@code kubectl} may do it here, and
 * no one else. An operation without such a permission ({@link #unmapped}) is allowed to
 * no one in {@code kubernetes} mode.
 *
 * @param what what the operation does, for messages
 * @param verb the RBAC verb, or {@code null} when unmapped
 * @param group the API group of the object ({@code ""} for the core group)
 * @param resource the resource, plural
 * @param namespace the object's namespace
 * @param name the object's name
 */
record OperatorAction(String what, String verb, String group, String resource, String namespace, String name) {

	/**
	 * Moving leadership away stands for {@code update} on the Lease: the default role's, or
	 * the one the operation's path names ({@link #onLease}).
	 */
	static OperatorAction moveLeadership(String namespace, String lease) {
		return new OperatorAction("move leadership", "update", "coordination.k8s.io", "leases", namespace, lease);
	}

	/** Whether the operation acts on a Lease, so that a role in its path names another. */
	boolean onLeases() {
		return "leases".equals(this.resource);
	}

	/**
	 * This action on the Lease of the role an operation's path names
	 * ({@code POST /actuator/leadership/{role}}).
	 */
	OperatorAction onLease(String lease) {
		return new OperatorAction(this.what + " of role " + lease, this.verb, this.group, this.resource,
				this.namespace, lease);
	}

	/** Shutting a replica down stands for {@code delete} on its Pod. */
	static OperatorAction shutDown(String namespace, String pod) {
		return new OperatorAction("shut this replica down", "delete", "", "pods", namespace, pod);
	}

	static OperatorAction unmapped(EndpointId endpoint, OperationType type) {
		return new OperatorAction("call the " + type.name().toLowerCase() + " operation of the '" + endpoint
				+ "' endpoint", null, null, null, null, null);
	}

	boolean mapped() {
		return this.verb != null;
	}

	/** As {@code kubectl auth can-i} names it: {@code update leases.coordination.k8s.io/test-lease -n default}. */
	String permission() {
		String qualified = this.group.isEmpty() ? this.resource : this.resource + "." + this.group;
		return this.verb + " " + qualified + "/" + this.name + " -n " + this.namespace;
	}

	ResourceAttributes resourceAttributes() {
		return new ResourceAttributesBuilder().withVerb(this.verb)
			.withGroup(this.group)
			.withResource(this.resource)
			.withNamespace(this.namespace)
			.withName(this.name)
			.build();
	}

}
