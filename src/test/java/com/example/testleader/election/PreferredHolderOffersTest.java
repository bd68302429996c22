package com.example.testleader.election;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the leader offers as its Lease's preference changes, without an API server. */
class PreferredHolderOffersTest {

	// never called: the Lease's name for the log lines
	private final KubernetesClient nowhere = new KubernetesClientBuilder()
		.withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
		.build();

	private final PreferredHolder preferred = new PreferredHolder(new LeaseApi(this.nowhere, "default", "test-lease"),
			"replica-a_1", new Cadence(Candidate.TIMINGS), Ticker.SYSTEM);

	private final TermOffer offer = new TermOffer();

	@AfterEach
	void close() {
		this.nowhere.close();
	}

	@Test
	void aPreferenceChangedWhileOfferedWithdrawsTheOfferAndOffersTheNewOne() {
		assertThat(this.preferred.offerIfDue(preferring("replica-x_1"), this.offer, 0)).isTrue();
		assertThat(this.offer.to()).isEqualTo("replica-x");
		assertThat(this.offer.reason()).isEqualTo(StepDownReason.PREFERRED);

		assertThat(this.preferred.offerIfDue(preferring("replica-b"), this.offer, 1)).isTrue();
		assertThat(this.offer.to()).isEqualTo("replica-b");

		assertThat(this.preferred.offerIfDue(preferring(null), this.offer, 2)).isFalse();
		assertThat(this.offer.to()).isNull();
	}

	@Test
	void anOperatorsOfferIsLeftAloneAndAPreferenceForThisReplicaOrNoPodIsNone() {
		CompletableFuture<Handover> operator = new CompletableFuture<>();
		this.offer.make("replica-c", StepDownReason.TRANSFERRED, Long.MAX_VALUE, operator);
		assertThat(this.preferred.offerIfDue(preferring("replica-b"), this.offer, 0)).isFalse();
		assertThat(this.offer.to()).isEqualTo("replica-c");
		assertThat(operator).isNotDone();
		this.offer.end(Handover.NOT_LEADING);

		assertThat(this.preferred.offerIfDue(preferring("replica-a_2"), this.offer, 0)).isFalse();
		assertThat(this.preferred.offerIfDue(preferring("Not A Pod!"), this.offer, 0)).isFalse();
		assertThat(this.offer.to()).isNull();
	}

	/** Whoever may edit the Lease may write anything there: only a pod's name is a preference, for the balance too. */
	@Test
	void aPreferenceIsAPodsNameOrAHolderIdentityOfOne() {
		assertThat(preferring("replica-b").preferredHolder()).contains("replica-b");
		assertThat(preferring("replica-b_5f1c2a9e").preferredHolder()).contains("replica-b_5f1c2a9e");
		assertThat(preferring("Not A Pod!").preferredHolder()).isEmpty();
		assertThat(preferring("x".repeat(254)).preferredHolder()).isEmpty();
		assertThat(preferring(" ").preferredHolder()).isEmpty();
	}

	@Test
	void aRefusedPreferenceIsOfferedAgainOnlyALeaseDurationLater() {
		this.preferred.offerIfDue(preferring("replica-x"), this.offer, 0);
		this.offer.expireIfDue(Long.MAX_VALUE / 2);
		long refusedAt = Ticker.SYSTEM.nanoTime();

		assertThat(this.preferred.offerIfDue(preferring("replica-x"), this.offer, refusedAt)).isFalse();
		long later = refusedAt + Candidate.TIMINGS.leaseDuration().plus(Duration.ofSeconds(1)).toNanos();
		assertThat(this.preferred.offerIfDue(preferring("replica-x"), this.offer, later)).isTrue();
	}

	private static LeaseRecord preferring(String holder) {
		return new LeaseRecord(new LeaseBuilder().withNewMetadata()
			.withName("test-lease")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withHolderIdentity("replica-a_1")
			.withPreferredHolder(holder)
			.endSpec()
			.build());
	}

}
