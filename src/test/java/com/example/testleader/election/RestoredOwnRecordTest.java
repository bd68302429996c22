package com.example.testleader.election;

import java.util.List;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.Timeline.Kind;
import com.example.testleader.faults.FaultProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record from the past: a backup of the Lease written back (etcd restore, {@code kubectl
 * replace} of a saved manifest) after a newer term began. Even the replica that wrote that
 * record itself must wait it out like anyone else.
 */
class RestoredOwnRecordTest extends ElectionHarness {

	@Test
	void aReplicasOwnRecordRestoredAfterANewerTermIsWaitedOut() {
		Candidate first = start("pod-l");
		awaitSoleLeader(List.of(first));
		Candidate second = start("pod-c");
		await().atMost(LEASE).until(() -> first.identity().equals(second.elector().leadership().holder()));

		// the leader is cut off (every request refused) and steps down; its last write is backed up
		first.proxy().mode(FaultProxy.Mode.UNAVAILABLE);
		await().atMost(LEASE).until(() -> this.timeline.last(first.name(), Kind.LOST).isPresent());
		Lease backup = lease();
		assertThat(backup.getSpec().getHolderIdentity()).isEqualTo(first.identity());

		// the other takes over (a newer term); the first, reachable again, sees it
		awaitSoleLeader(List.of(second));
		first.proxy().mode(FaultProxy.Mode.PASS);
		await().atMost(LEASE).until(() -> second.identity().equals(first.elector().leadership().holder()));

		backup.getMetadata().setResourceVersion(lease().getMetadata().getResourceVersion());
		long restored = System.nanoTime();
		admin().leases().inNamespace("default").resource(backup).update();

		await().atMost(LEASE.multipliedBy(4))
			.until(() -> this.timeline.entries()
				.stream()
				.anyMatch((e) -> e.kind() == Kind.GRANTED && e.nanos() > restored));
		long next = this.timeline.entries()
			.stream()
			.filter((e) -> e.kind() == Kind.GRANTED && e.nanos() > restored)
			.findFirst()
			.orElseThrow()
			.nanos();
		assertThat(java.time.Duration.ofNanos(next - restored)).isGreaterThanOrEqualTo(LEASE);
	}

}
