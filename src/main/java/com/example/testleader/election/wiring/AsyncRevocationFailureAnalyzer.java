package com.example.testleader.election.wiring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains, at start-up, which revocation listener is asynchronous and what to do. */
class AsyncRevocationFailureAnalyzer extends AbstractFailureAnalyzer<AsyncRevocationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AsyncRevocationException cause) {
		return new FailureAnalysis(cause.description(), cause.action(), cause);
	}

}
