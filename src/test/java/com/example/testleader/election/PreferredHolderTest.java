package com.example.testleader.election;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.example.testleader.election.Timeline.Ending;
import com.example.testleader.election.Timeline.Kind;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Lease that names a preferred holder (coordinated leader election's
 * {@code spec.preferredHolder}, or this service's annotation where the API server drops
 * that field) is handed to that replica, through the handshake: the leader's work stops
 * only once the preferred replica has accepted.
 */
class PreferredHolderTest extends ElectionHarness {

	@Test
	void aLeaseWhoseSpecPrefersAnotherReplicaIsHandedToIt() {
		Candidate a = start("replica-a");
		Candidate leader = awaitSoleLeader(List.of(a));
		Candidate b = start("replica-b");
		Candidate c = start("replica-c");
		await().atMost(LEASE).until(() -> b.elector().competes() && c.elector().competes());

		editLease((lease) -> lease.getSpec().setPreferredHolder(c.identity()));

		await().atMost(LEASE).until(() -> this.timeline.leaders().equals(Set.of(c.name())));
		assertThat(this.timeline.first(b.name(), Kind.GRANTED)).isEmpty();
		assertThat(this.timeline.last(leader.name(), Kind.ENDED).orElseThrow().detail())
			.isEqualTo(new Ending(StepDownReason.PREFERRED, true, "replica-c"));
		// the new holder is the one preferred: it keeps the Lease, and keeps the preference
		throughout(LEASE).atMost(LEASE.multipliedBy(2)).until(() -> c.elector().leadership().leader());
		assertThat(lease().getSpec().getPreferredHolder()).isEqualTo(c.identity());
	}

	@Test
	void theAnnotationStandsForTheFieldWhereTheApiServerDropsIt() {
		Candidate a = start("replica-a");
		awaitSoleLeader(List.of(a));
		Candidate b = start("replica-b");
		await().atMost(LEASE).until(() -> b.elector().competes());

		editLease((lease) -> lease.getMetadata().getAnnotations().put(LeaseRecord.PREFERRED_HOLDER, "replica-b"));

		await().atMost(LEASE).until(() -> this.timeline.leaders().equals(Set.of(b.name())));
		assertThat(this.timeline.last(a.name(), Kind.ENDED).orElseThrow().detail())
			.isEqualTo(new Ending(StepDownReason.PREFERRED, true, "replica-b"));
	}

	/**
	 * A preferred replica that is not there never costs the leadership: the leader offers,
	 * nobody accepts, and it keeps leading without a pause in its work, offering again only
	 * a lease duration later.
	 */
	@Test
	void aPreferenceForAReplicaThatDoesNotAcceptLeavesTheLeaderLeading() {
		Candidate a = start("replica-a");
		awaitSoleLeader(List.of(a));
		Candidate b = start("replica-b");

		editLease((lease) -> lease.getSpec().setPreferredHolder("replica-gone_1"));

		await().atMost(LEASE).until(() -> "replica-gone".equals(
				lease().getMetadata().getAnnotations().get(Handshake.OFFERED_TO)));
		throughout(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3))
			.until(() -> a.elector().leadership().leader() && !b.elector().leadership().leader());
		assertThat(this.timeline.entries()).filteredOn((entry) -> entry.kind() == Kind.LOST).isEmpty();
		long offers = server().calls()
			.stream()
			.filter((call) -> call.method().equals("PUT") && call.body() != null
					&& call.body().contains("\"" + Handshake.OFFERED_TO + "\""))
			.count();
		// one offer renewed every retry period until it expired, then a lease duration's pause
		assertThat(offers).isLessThanOrEqualTo(2 * (Duration.ofNanos(new Cadence(Candidate.TIMINGS)
			.offerTimeoutNanos()).dividedBy(Candidate.TIMINGS.retryPeriod()) + 1));
	}

}
