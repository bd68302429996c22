/**
 * The Lease protocol for one role: a replica acquires a {@code coordination.k8s.io/v1}
 * Lease, keeps its term by renewing it, and ends the term (revoke the work, wait for it,
 * release); the record it writes, the bounded calls to the API server, and the one loop
 * that owns the election's state. {@link com.example.testleader.election.LeaseElector}
 * runs it; the application sees it through
 * {@link com.example.testleader.election.Election},
 * {@link com.example.testleader.election.Leadership},
 * {@link com.example.testleader.election.LeaseContext} and
 * {@link com.example.testleader.election.LeaderTerm}, and is told of changes by
 * {@link com.example.testleader.election.LeaderChanged} and
 * {@link com.example.testleader.election.ElectionObserver}.
 *
 * <p>
 * This package imports none of the election's other packages: early takeover reaches it
 * through {@link com.example.testleader.election.HolderProcess} alone, and the roles and
 * the Spring wiring build on it. Its settings are
 * {@link com.example.testleader.election.LeaderElectionProperties}: the record of the
 * election's own timings, kept here rather than copied into a plain record for the core,
 * since the core reads nothing else and the record's only tie to Spring is the binding
 * annotation. {@link com.example.testleader.election.PodIdentity} is here too: it makes the
 * holder identity this package writes, and its {@code replicaOf} reads the replica back out
 * of one for hand-overs. Classes public only for the sibling packages say "Internal"; only
 * the ones named above are for the application.
 *
 * <p>
 * <b>What it promises, and what not</b>: written once, in {@code docs/guarantees.md}
 * (one leader per role, the work stopped on the term's own monotonic clock before another
 * replica may take the Lease, graceful hand-overs, a rising fencing token). What it does
 * <em>not</em> promise, like client-go's {@code leaderelection}: no fencing unless the
 * systems downstream check the fencing token (a process paused between a check and an
 * action acts late); clocks that run at different rates shorten the margin between the
 * renew deadline and the lease duration; a Lease deleted before a fresh replica starts
 * restarts the token. The sections "Limits" and "Clock rates" there say how far each goes.
 */
package com.example.testleader.election;
