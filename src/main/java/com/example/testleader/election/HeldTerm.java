package com.example.testleader.election;

import java.time.Instant;

/**
 * One term as this process holds it: its context and validity, what it last wrote, and
 * when it sent that.
 *
 * @param context the term's Spring Integration context
 * @param validity until when the term is valid; shared with the context
 * @param written the record of this term's last successful write
 * @param renewedAtNanos when that write was sent ({@link Ticker} time)
 * @param renewedAt the same moment on the wall clock, for display
 * @param renewalFailed whether the last renewal attempt failed
 */
record HeldTerm(LeaseContext context, TermValidity validity, LeaseRecord written, long renewedAtNanos,
		Instant renewedAt, boolean renewalFailed) {

}
