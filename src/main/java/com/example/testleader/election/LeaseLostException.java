package com.example.testleader.election;

/** The Lease is no longer this replica's term: someone else holds it, or it is gone. */
final class LeaseLostException extends RuntimeException {

	private final StepDownReason reason;

	LeaseLostException(StepDownReason reason) {
		super(reason.name(), null, false, false);
		this.reason = reason;
	}

	StepDownReason reason() {
		return this.reason;
	}

}
