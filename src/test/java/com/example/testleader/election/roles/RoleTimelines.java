package com.example.testleader.election.roles;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import com.example.testleader.election.Candidate;
import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.Timeline;

/**
 * One {@link Timeline} per role: what every replica believed about each role, and when.
 * A replica's critical window of a role opens with its grant and closes when its
 * revocation's listeners have returned, or when the test killed the replica.
 */
final class RoleTimelines {

	private final Map<String, Timeline> byRole = new ConcurrentHashMap<>();

	Timeline of(String role) {
		return this.byRole.computeIfAbsent(role, (name) -> new Timeline());
	}

	/** Records the grants and revocations of {@code replica}, each on its role's timeline. */
	LeaderEventPublisher publisher(String replica) {
		return new LeaderEventPublisher() {

			@Override
			public void publishOnGranted(Object source, Context context, String role) {
				of(role).publisher(replica, Candidate.NO_LISTENER).publishOnGranted(source, context, role);
			}

			@Override
			public void publishOnRevoked(Object source, Context context, String role) {
				of(role).publisher(replica, Candidate.NO_LISTENER).publishOnRevoked(source, context, role);
			}

			@Override
			public void publishOnFailedToAcquire(Object source, Context context, String role) {
			}

		};
	}

	/** Records how {@code replica}'s terms end, each on its role's timeline. */
	ElectionObserver observer(String replica) {
		return new ElectionObserver() {

			@Override
			public void acquired(LeaderTerm term) {
				of(term.role()).observer(replica).acquired(term);
			}

			@Override
			public void lost(LeaderTerm term, StepDownReason reason) {
				of(term.role()).observer(replica).lost(term, reason);
			}

		};
	}

	/** {@code replica} is gone: its windows close now, in every role. */
	void died(String replica) {
		this.byRole.values().forEach((timeline) -> timeline.record(replica, Timeline.Kind.DIED, null));
	}

	/** For each role with exactly one open window, the replica it belongs to. */
	Map<String, String> leaders() {
		Map<String, String> leaders = new LinkedHashMap<>();
		this.byRole.forEach((role, timeline) -> {
			if (timeline.leaders().size() == 1) {
				leaders.put(role, timeline.leaders().iterator().next());
			}
		});
		return leaders;
	}

	/** How often {@code replica} ended a term of any role for {@code reason}. */
	long stepDowns(String replica, StepDownReason reason) {
		return this.byRole.values()
			.stream()
			.flatMap((timeline) -> timeline.entries().stream())
			.filter((entry) -> entry.candidate().equals(replica) && entry.kind() == Timeline.Kind.LOST
					&& entry.detail() == reason)
			.count();
	}

	/** In no role were two critical windows ever open at once. */
	void assertNoOverlap() {
		this.byRole.values().forEach(Timeline::assertNoOverlap);
	}

}
