package com.example.testleader.observability;

import java.util.LinkedHashMap;
import java.util.Map;

import com.example.testleader.election.Leadership;
import com.example.testleader.election.Electors;
import com.example.testleader.election.LeaseElector;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * The {@code leaderElection} section of {@code /actuator/info}, with the keys Spring Cloud
 * Kubernetes users know ({@code leaderId}, {@code isLeader}, {@code role}), made right:
 * {@code leaderId} names the replica that actually leads, not the one asked, and nothing
 * here calls the API server.
 */
@Component
class LeaderElectionInfoContributor implements InfoContributor {

	private final LeaseElector elector;

	LeaderElectionInfoContributor(Electors electors) {
		this.elector = electors.primary();
	}

	@Override
	public void contribute(Info.Builder builder) {
		Leadership leadership = this.elector.leadership();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("leaderId", leadership.holder());
		details.put("isLeader", leadership.leader());
		details.put("role", leadership.leaseName());
		details.put("identity", leadership.identity());
		details.put("namespace", leadership.namespace());
		details.put("leaseTransitions", leadership.leaseTransitions());
		details.put("acquireTime", leadership.acquireTime());
		details.put("renewTime", leadership.renewTime());
		details.put("leaseDurationSeconds", leadership.leaseDurationSeconds());
		builder.withDetail("leaderElection", details);
	}

}
