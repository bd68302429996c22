package com.example.testleader.observability;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.testleader.election.Handover;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.Electors;
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

	LeadershipEndpoint(Electors electors) {
		this.elector = electors.primary();
	}

	@ReadOperation
	Leadership leadership() {
		return this.elector.leadership();
	}

	/**
	 * Answers once the election has carried the request out, with what actually happened:
	 * 202 Accepted when the work stopped and the Lease was released (another replica takes
	 * it at once); 409 Conflict when this replica did not lead by then, so nothing changed;
	 * 503 when it stepped down but could not release (the Lease expires on its own); 504
	 * when the election did not answer in time.
	 */
	@WriteOperation
	WebEndpointResponse<Map<String, Object>> stepDown() {
		Leadership before = this.elector.leadership();
		Handover handover;
		try {
			handover = this.elector.yieldLeadership().get(this.elector.leaveTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return new WebEndpointResponse<>(Map.of("message", "The election did not carry the request out within "
					+ this.elector.leaveTimeout()), 504);
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
					+ "the Lease was released", "identity", before.identity()), 202);
			case NOT_RELEASED -> new WebEndpointResponse<>(Map.of("message", "Stepped down, but the Lease could not "
					+ "be released; another replica takes it once it expires", "identity", before.identity()), 503);
			case NOT_LEADING -> {
				String leader = (this.elector.leadership().holder() != null) ? this.elector.leadership().holder()
						: "nobody";
				yield new WebEndpointResponse<>(
						Map.of("message", "This replica does not lead; the leader is " + leader, "leader", leader), 409);
			}
		};
	}

}
