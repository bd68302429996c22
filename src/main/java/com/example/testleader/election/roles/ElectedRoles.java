package com.example.testleader.election.roles;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;

import com.example.testleader.election.LeaderElectionProperties;

/**
 * The roles this replica competes for, in order: each is one Lease of the same name, with
 * its own election, fencing token and work. Where no bean of this type exists, the one
 * role is {@code test-leader.election.lease-name}.
 *
 * @param names the roles, each a valid Lease name, none twice
 */
public record ElectedRoles(List<String> names) {

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
		LeaderElectionProperties.requireValidLeaseName(source, name);
	}

}
