package com.example.testleader.observability;

import java.util.LinkedHashMap;
import java.util.Map;

import com.example.testleader.election.Election;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.roles.Electors;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * The {@code leaderElection} section of {@code /actuator/info}, with the keys Spring Cloud
 * Kubernetes users know ({@code leaderId}, {@code isLeader}, {@code role}), made right:
 * {@code leaderId} names the replica that actually leads, not the one asked, and nothing
 * here calls the API server. With several roles, each role's Lease is under
 * {@code roles} and {@code rolesPerReplica} shows how they are spread.
 */
@Component
class LeaderElectionInfoContributor implements InfoContributor {

	private final Electors electors;

	LeaderElectionInfoContributor(Electors electors) {
		this.electors = electors;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> section = new LinkedHashMap<>();
		if (this.electors.roles().size() == 1) {
			Leadership leadership = this.electors.primary().leadership();
			section.put("leaderId", leadership.holder());
			section.put("isLeader", leadership.leader());
			section.put("role", leadership.leaseName());
			section.put("identity", leadership.identity());
			section.put("namespace", leadership.namespace());
			section.putAll(lease(leadership));
		}
		else {
			Map<String, Object> roles = new LinkedHashMap<>();
			for (Election elector : this.electors.all()) {
				Leadership leadership = elector.leadership();
				Map<String, Object> role = new LinkedHashMap<>();
				role.put("leaderId", leadership.holder());
				role.put("isLeader", leadership.leader());
				role.putAll(lease(leadership));
				roles.put(leadership.leaseName(), role);
			}
			section.put("identity", this.electors.identity());
			section.put("namespace", this.electors.primary().leadership().namespace());
			section.put("roles", roles);
			section.put("rolesPerReplica", this.electors.rolesPerReplica());
		}
		builder.withDetail("leaderElection", section);
	}

	private static Map<String, Object> lease(Leadership leadership) {
		Map<String, Object> lease = new LinkedHashMap<>();
		lease.put("leaseTransitions", leadership.leaseTransitions());
		lease.put("acquireTime", leadership.acquireTime());
		lease.put("renewTime", leadership.renewTime());
		lease.put("leaseDurationSeconds", leadership.leaseDurationSeconds());
		return lease;
	}

}
