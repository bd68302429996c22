package com.example.testleader.election;

import java.time.Clock;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writes over this replica's own term, on the in-process API. */
class TermWritesTest {

	private final LocalKubernetesApi server = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.server.client();

	private final LeaderEvents events = new LeaderEvents(Candidate.NO_LISTENER, (event) -> {
	});

	private final LeaseApi api = new LeaseApi(this.server.client(), "default", "test-lease");

	private final Cadence cadence = new Cadence(Candidate.TIMINGS);

	@AfterEach
	void close() {
		this.events.stop();
		this.api.close();
		this.admin.close();
		this.server.close();
	}

	/**
	 * L held the term of token 0 and saw C's term of token 1 begin; then a backup naming L's
	 * term is written back ({@code kubectl replace} of a saved manifest, an etcd restore).
	 * That record is L's past, not a term L may renew or release: a release would let a
	 * third replica take the Lease at once while C still works.
	 */
	@Test
	void aRecordOfThisReplicasTermWrittenBackAfterANewerTermWasSeenIsNeitherReleasedNorRenewed() {
		this.events.start();
		KnownLease known = known("replica-l_1");
		TermWrites leader = writes("replica-l_1", known);
		LeaseRecord mine = leader.take(Optional.empty(), 0, this.cadence.attempt(Ticker.SYSTEM));
		known.wrote(mine, Ticker.SYSTEM.nanoTime());
		Lease saved = this.admin.leases().inNamespace("default").withName("test-lease").get();

		LeaseRecord theirs = writes("replica-c_1", known("replica-c_1")).take(Optional.of(mine), 1,
				this.cadence.attempt(Ticker.SYSTEM));
		known.read(theirs, Ticker.SYSTEM.nanoTime());
		Lease restored = this.admin.leases()
			.inNamespace("default")
			.resource(new LeaseBuilder(saved).editMetadata().withResourceVersion(null).endMetadata().build())
			.update();
		assertThat(new LeaseRecord(restored).heldBy("replica-l_1", 0)).isTrue();

		assertThatThrownBy(() -> leader.release(mine, 0, null, this.cadence.release(Ticker.SYSTEM)))
			.isInstanceOfSatisfying(LeaseLostException.class,
					(lost) -> assertThat(lost.reason()).isEqualTo(StepDownReason.TAKEN_OVER));
		assertThatThrownBy(() -> leader.renew(mine, 0, null, this.cadence.attempt(Ticker.SYSTEM)))
			.isInstanceOfSatisfying(LeaseLostException.class,
					(lost) -> assertThat(lost.reason()).isEqualTo(StepDownReason.TAKEN_OVER));
		Lease now = this.admin.leases().inNamespace("default").withName("test-lease").get();
		assertThat(now.getMetadata().getResourceVersion()).isEqualTo(restored.getMetadata().getResourceVersion());
	}

	/**
	 * Coordinated leader election's fields ({@code spec.strategy}, {@code spec.preferredHolder})
	 * belong to whoever set them: every write of a term keeps them as it found them, as
	 * client-go does.
	 */
	@Test
	void everyWriteOfATermKeepsTheStrategyAndThePreferredHolderAsItFoundThem() {
		this.events.start();
		this.admin.leases()
			.inNamespace("default")
			.resource(new LeaseBuilder().withNewMetadata()
				.withName("test-lease")
				.withNamespace("default")
				.endMetadata()
				.withNewSpec()
				.withStrategy("OldestEmulationVersion")
				.withPreferredHolder("replica-z_1")
				.endSpec()
				.build())
			.create();
		KnownLease known = known("replica-l_1");
		TermWrites leader = writes("replica-l_1", known);
		LeaseRecord found = new LeaseRecord(this.admin.leases().inNamespace("default").withName("test-lease").get());

		LeaseRecord taken = leader.take(Optional.of(found), 0, this.cadence.attempt(Ticker.SYSTEM));
		assertKept();
		LeaseRecord offered = leader.renew(taken, 0, "replica-c", this.cadence.attempt(Ticker.SYSTEM));
		assertKept();
		LeaseRecord accepted = writes("replica-c_1", known("replica-c_1")).accept(offered, "replica-c",
				this.cadence.attempt(Ticker.SYSTEM));
		assertKept();
		known.read(accepted, Ticker.SYSTEM.nanoTime());
		leader.release(offered, 0, "replica-c", this.cadence.release(Ticker.SYSTEM));
		assertKept();
	}

	private void assertKept() {
		Lease now = this.admin.leases().inNamespace("default").withName("test-lease").get();
		assertThat(now.getSpec().getStrategy()).isEqualTo("OldestEmulationVersion");
		assertThat(now.getSpec().getPreferredHolder()).isEqualTo("replica-z_1");
	}

	private KnownLease known(String identity) {
		KnownLease known = new KnownLease(this.api, identity, this.cadence, Clock.systemUTC(), this.events);
		known.onChange(() -> {
		});
		return known;
	}

	private TermWrites writes(String identity, KnownLease known) {
		return new TermWrites(new ElectionParts((context) -> {
		}, this.api, identity, this.cadence, known, this.events, ElectionObserver.NONE, Clock.systemUTC(),
				Ticker.SYSTEM), HolderProcess.NONE);
	}

}
