package com.example.testleader.observability;

import java.util.Map;

import com.example.testleader.election.Leadership;
import com.example.testleader.election.LeaseElector;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/leadership}: GET shows what this replica believes; POST moves
 * leadership away from it without a restart (the work stops, the Lease is released,
 * another replica takes it, and this one keeps competing). Served on the management port
 * only, which must not be reachable from outside the cluster.
 */
@Component
@Endpoint(id = "leadership")
class LeadershipEndpoint {

	private final LeaseElector elector;

	LeadershipEndpoint(LeaseElector elector) {
		this.elector = elector;
	}

	@ReadOperation
	Leadership leadership() {
		return this.elector.leadership();
	}

	/** 202 Accepted while handing over; 409 Conflict if this replica does not lead. */
	@WriteOperation
	WebEndpointResponse<Map<String, Object>> stepDown() {
		Leadership leadership = this.elector.leadership();
		if (!this.elector.yieldLeadership()) {
			String leader = (leadership.holder() != null) ? leadership.holder() : "nobody";
			return new WebEndpointResponse<>(
					Map.of("message", "This replica does not lead; the leader is " + leader, "leader", leader), 409);
		}
		return new WebEndpointResponse<>(Map.of("message", "Handing leadership over", "identity",
				leadership.identity(), "fencingToken", leadership.fencingToken()), 202);
	}

}
