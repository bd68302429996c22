package com.example.testleader.election;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The roles this replica competes for, in order: each is one Lease of the same name, with
 * its own election, fencing token and work. Where no bean of this type exists, the one
 * role is {@code test-leader.election.lease-name}.
 *
 * @param names the roles, each a valid Lease name, none twice
 */
public record ElectedRoles(List<String> names) {

	private static final Pattern DNS_SUBDOMAIN = Pattern
		.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

	public ElectedRoles {
		names = List.copyOf(names);
		if (names.isEmpty()) {
			throw new IllegalArgumentException("At least one role is needed");
		}
		Set<String> seen = new HashSet<>();
		for (String name : names) {
			requireValidName("a role", name);
			if (!seen.add(name)) {
				throw new IllegalArgumentException("The role '" + name + "' is named twice (roles: " + names + ")");
			}
		}
	}

	/** The roles the application declares, else the one role {@code test-leader.election.lease-name}. */
	public static ElectedRoles of(ObjectProvider<ElectedRoles> declared, LeaderElectionProperties election) {
		return declared.getIfAvailable(() -> new ElectedRoles(List.of(election.leaseName())));
	}

	/**
	 * Refuses a role that cannot name a Lease.
	 * @param source where the name came from (a property, a bean), for the message
	 */
	public static void requireValidName(String source, String name) {
		if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
			throw new IllegalArgumentException(source + " must be a valid Kubernetes name (lower-case letters, "
					+ "digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters) "
					+ "(was '" + name + "')");
		}
	}

}
