package com.example.testleader.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.testleader.election.Election;
import com.example.testleader.election.Handover;
import com.example.testleader.election.Leadership;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Carries out a request to move leadership and answers it once the election has, with
 * what actually happened: 202 Accepted when the work stopped and the Lease was released
 * (to whoever takes it first, or to the named replica once it accepted); 409 Conflict when
 * this replica did not lead by then, or the named replica did not accept, so nothing
 * changed; 503 when it stepped down but could not release (the Lease expires on its own);
 * 504 when the election did not answer in time.
 */
final class HandoverAnswer {

	private HandoverAnswer() {
	}

	/** Moves leadership of {@code elector}'s role away, to the replica {@code to} if not {@code null}. */
	static WebEndpointResponse<Map<String, Object>> of(Election elector, String to) {
		Leadership before = elector.leadership();
		Duration timeout = (to != null) ? elector.handOverTimeout() : elector.leaveTimeout();
		Handover handover;
		CompletableFuture<Handover> moved = (to != null) ? elector.handTo(to) : elector.yieldLeadership();
		try {
			handover = moved.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// a hand-over not waited for any longer is withdrawn: it must not happen after this answer
			moved.cancel(false);
			return new WebEndpointResponse<>(
					Map.of("message", "The election did not carry the request out within " + timeout), 504);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new WebEndpointResponse<>(Map.of("message", "Interrupted"), 503);
		}
		catch (ExecutionException ex) {
			return new WebEndpointResponse<>(Map.of("message", "Handing over failed: " + ex.getCause()), 500);
		}
		String role = elector.role();
		return switch (handover) {
			case RELEASED -> (to != null)
					? new WebEndpointResponse<>(Map.of("message", "Handed leadership to " + to + ": it accepted, the "
							+ "work stopped and the Lease was released to it", "identity", before.identity(), "role",
							role, "to", to), 202)
					: new WebEndpointResponse<>(Map.of("message", "Handed leadership over: the work stopped and the "
							+ "Lease was released", "identity", before.identity(), "role", role), 202);
			case NOT_RELEASED -> new WebEndpointResponse<>(Map.of("message", "Stepped down, but the Lease could not "
					+ "be released; another replica takes it once it expires", "identity", before.identity(), "role",
					role), 503);
			case WITHDRAWN -> new WebEndpointResponse<>(Map.of("message", "The hand-over to " + to + " was withdrawn "
					+ "before " + to + " answered: another hand-over request replaced it; this replica still leads",
					"leader", before.identity(), "role", role, "to", to), 409);
			case NOT_ACCEPTED -> new WebEndpointResponse<>(Map.of("message", to + " did not accept leadership of "
					+ role + " in time: it is not ready, does not compete for the role, or cannot reach the API "
					+ "server; this replica still leads", "leader", before.identity(), "role", role, "to", to), 409);
			case NOT_LEADING -> {
				String leader = (elector.leadership().holder() != null) ? elector.leadership().holder() : "nobody";
				yield new WebEndpointResponse<>(Map.of("message", "This replica does not lead; the leader is " + leader,
						"leader", leader, "role", role), 409);
			}
		};
	}

}
