package com.example.testleader.observability;

import java.util.Map;

import com.example.testleader.election.Election;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.roles.Electors;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * {@code POST /actuator/handover} with {@code {"to": "<replica>"}} (a pod name, or a
 * holder identity): hands leadership of the default role, or with
 * {@code /actuator/handover/{role}} of that role, to the replica named, if this replica
 * leads it. The Lease is offered to that replica, and only once it accepts (proving it is
 * ready, competes for the role and reaches the API server) does the work stop and the
 * Lease go to it ({@link Election#handTo(String)}); answered as {@link HandoverAnswer}
 * says, 409 with the reason when the named replica did not accept.
 * <p>
 * It is an endpoint of its own, not a body of {@code POST /actuator/leadership}: Spring
 * Boot maps an operation that takes a body to JSON requests only, so a
 * {@code POST /actuator/leadership} without one (how it is called today) would be refused
 * with 415. Served on the management port only; authorized as moving leadership is, on the
 * Lease of the role it moves.
 */
@Component
@Endpoint(id = "handover")
class HandoverEndpoint {

	private final Electors electors;

	HandoverEndpoint(Electors electors) {
		this.electors = electors;
	}

	@WriteOperation
	WebEndpointResponse<Map<String, Object>> handTo(String to) {
		return handTo(this.electors.primary(), to);
	}

	@WriteOperation
	WebEndpointResponse<Map<String, Object>> handTo(@Selector String role, String to) {
		return this.electors.elector(role)
			.map((elector) -> handTo(elector, to))
			.orElseGet(() -> new WebEndpointResponse<>(LeadershipEndpoint.unknown(this.electors, role), 404));
	}

	private static WebEndpointResponse<Map<String, Object>> handTo(Election elector, String to) {
		if (!StringUtils.hasText(to)) {
			return new WebEndpointResponse<>(Map.of("message", "\"to\" names no replica"), 400);
		}
		String replica = PodIdentity.replicaOf(to);
		if (replica.length() > 253 || !LeaderElectionProperties.DNS_SUBDOMAIN.matcher(replica).matches()) {
			return new WebEndpointResponse<>(Map.of("message", "\"to\" must name a replica by its pod name, or by "
					+ "its holder identity (<pod name>_<suffix>)"), 400);
		}
		if (PodIdentity.replicaOf(to).equals(PodIdentity.replicaOf(elector.leadership().identity()))) {
			return new WebEndpointResponse<>(Map.of("message", "\"to\" names this replica (" + to + "); name another",
					"role", elector.role()), 409);
		}
		return HandoverAnswer.of(elector, to);
	}

}
