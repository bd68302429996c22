package com.example.testleader.election;

import java.time.Clock;

/**
 * What every part of one Lease's election works with, none of which changes while it
 * runs: built once by {@link LeaseElector}; {@link Acquisition}, {@link TermKeeping},
 * {@link TermEnding} and {@link TermWrites} each copy what they use into fields of their
 * own, so that a step passes them only the state of the moment (the term, the record, the
 * deadline).
 *
 * @param elector the source of the leadership events, and what a term's context yields through
 * @param api the Lease
 * @param identity this replica's holder identity
 * @param cadence when the election acts and how long it waits
 * @param known what this replica knows of the Lease
 * @param events where grants and revocations are published
 * @param observer told what the election does
 * @param clock the wall clock, for what is written on the Lease and shown
 * @param ticker the monotonic clock every decision is made on
 */
record ElectionParts(Terms elector, LeaseApi api, String identity, Cadence cadence, KnownLease known,
		LeaderEvents events, ElectionObserver observer, Clock clock, Ticker ticker) {

}
