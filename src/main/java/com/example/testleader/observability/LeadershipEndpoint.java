package com.example.testleader.observability;

import java.util.Map;
import java.util.Optional;

import com.example.testleader.election.Election;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.roles.Electors;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/leadership}: GET shows what this replica believes; POST moves
 * leadership away from it without a restart (the work stops, the Lease is released,
 * another replica takes it, and this one keeps competing; {@link HandoverEndpoint} hands it
 * to a named replica instead). Without a role in the path both act on the default
 * role ({@code test-leader.election.lease-name}); with one
 * ({@code /actuator/leadership/{role}}) on that role, 404 for a role this replica does
 * not compete for. Served on the management port only, which must not be reachable from
 * outside the cluster.
 */
@Component
@Endpoint(id = "leadership")
class LeadershipEndpoint {

	private final Electors electors;

	LeadershipEndpoint(Electors electors) {
		this.electors = electors;
	}

	@ReadOperation
	Leadership leadership() {
		return this.electors.primary().leadership();
	}

	@ReadOperation
	WebEndpointResponse<Object> leadership(@Selector String role) {
		Optional<? extends Election> elector = this.electors.elector(role);
		return (elector.isPresent()) ? new WebEndpointResponse<>(elector.get().leadership())
				: new WebEndpointResponse<>(unknown(role), 404);
	}

	@WriteOperation
	WebEndpointResponse<Map<String, Object>> stepDown() {
		return HandoverAnswer.of(this.electors.primary(), null);
	}

	@WriteOperation
	WebEndpointResponse<Map<String, Object>> stepDown(@Selector String role) {
		return this.electors.elector(role)
			.map((elector) -> HandoverAnswer.of(elector, null))
			.orElseGet(() -> new WebEndpointResponse<>(unknown(role), 404));
	}

	static Map<String, Object> unknown(Electors electors, String role) {
		return Map.of("message", "This replica competes for no role '" + role + "'; its roles are "
				+ electors.roles());
	}

	private Map<String, Object> unknown(String role) {
		return unknown(this.electors, role);
	}

}
