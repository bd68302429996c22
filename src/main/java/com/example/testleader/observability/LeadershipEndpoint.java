package com.example.testleader.observability;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.testleader.election.Election;
import com.example.testleader.election.Handover;
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
 * another replica takes it, and this one keeps competing). Without a role in the path
 * both act on the default role ({@code test-leader.election.lease-name}); with one
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
		return stepDown(this.electors.primary());
	}

	@WriteOperation
	WebEndpointResponse<Map<String, Object>> stepDown(@Selector String role) {
		return this.electors.elector(role)
			.map(this::stepDown)
			.orElseGet(() -> new WebEndpointResponse<>(unknown(role), 404));
	}

	/**
	 * Answers once the election has carried the request out, with what actually happened:
	 * 202 Accepted when the work stopped and the Lease was released (another replica takes
	 * it at once); 409 Conflict when this replica did not lead by then, so nothing changed;
	 * 503 when it stepped down but could not release (the Lease expires on its own); 504
	 * when the election did not answer in time.
	 */
	private WebEndpointResponse<Map<String, Object>> stepDown(Election elector) {
		Leadership before = elector.leadership();
		Handover handover;
		try {
			handover = elector.yieldLeadership().get(elector.leaveTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return new WebEndpointResponse<>(Map.of("message", "The election did not carry the request out within "
					+ elector.leaveTimeout()), 504);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new WebEndpointResponse<>(Map.of("message", "Interrupted"), 503);
		}
		catch (ExecutionException ex) {
			return new WebEndpointResponse<>(Map.of("message", "Handing over failed: " + ex.getCause()), 500);
		}
		return switch (handover) {
			case RELEASED -> new WebEndpointResponse<>(Map.of("message", "Handed leadership over: the work stopped and "
					+ "the Lease was released", "identity", before.identity(), "role", elector.role()), 202);
			case NOT_RELEASED -> new WebEndpointResponse<>(Map.of("message", "Stepped down, but the Lease could not "
					+ "be released; another replica takes it once it expires", "identity", before.identity(), "role",
					elector.role()), 503);
			case NOT_LEADING, NOT_ACCEPTED -> {
				String leader = (elector.leadership().holder() != null) ? elector.leadership().holder() : "nobody";
				yield new WebEndpointResponse<>(Map.of("message", "This replica does not lead; the leader is " + leader,
						"leader", leader, "role", elector.role()), 409);
			}
		};
	}

	private Map<String, Object> unknown(String role) {
		return Map.of("message", "This replica competes for no role '" + role + "'; its roles are "
				+ this.electors.roles());
	}

}
