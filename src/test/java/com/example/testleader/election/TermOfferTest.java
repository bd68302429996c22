package com.example.testleader.election;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The holder's side of an offer: answered once, withdrawn rather than refused when replaced. */
class TermOfferTest {

	private final TermOffer offer = new TermOffer();

	@Test
	void anOperatorsRequestOutranksThePreferredHolderWhichOutranksTheBalance() {
		this.offer.make("replica-b", StepDownReason.PREFERRED, 1_000, new CompletableFuture<>());

		assertThat(this.offer.outranks(StepDownReason.HANDED_OVER)).isTrue();
		assertThat(this.offer.outranks(StepDownReason.PREFERRED)).isFalse();
		assertThat(this.offer.outranks(StepDownReason.TRANSFERRED)).isFalse();
		this.offer.make("replica-c", StepDownReason.TRANSFERRED, 1_000, new CompletableFuture<>());
		assertThat(this.offer.outranks(StepDownReason.PREFERRED)).isTrue();
	}

	@Test
	void aReplacedOfferIsAnsweredWithdrawnNotRefused() {
		CompletableFuture<Handover> first = new CompletableFuture<>();
		this.offer.make("replica-b", StepDownReason.TRANSFERRED, 1_000, first);

		this.offer.make("replica-c", StepDownReason.TRANSFERRED, 1_000, new CompletableFuture<>());

		assertThat(first).isCompletedWithValue(Handover.WITHDRAWN);
		assertThat(this.offer.to()).isEqualTo("replica-c");
	}

	@Test
	void anOfferWhoseCallerStoppedWaitingIsWithdrawnAndNeverAccepted() {
		CompletableFuture<Handover> answer = new CompletableFuture<>();
		this.offer.make("replica-b", StepDownReason.TRANSFERRED, 1_000, answer);

		answer.cancel(false);
		this.offer.expireIfDue(0);

		assertThat(this.offer.to()).isNull();
	}

	@Test
	void anOfferUnansweredInTimeIsNotAccepted() {
		CompletableFuture<Handover> answer = new CompletableFuture<>();
		this.offer.make("replica-b", StepDownReason.HANDED_OVER, 1_000, answer);

		this.offer.expireIfDue(999);
		assertThat(answer).isNotDone();
		this.offer.expireIfDue(1_001);

		assertThat(answer).isCompletedWithValue(Handover.NOT_ACCEPTED);
		assertThat(this.offer.to()).isNull();
	}

}
