/**
 * Spring wiring of the election, assembly only:
 * {@link com.example.testleader.election.wiring.ElectionConfiguration} builds one elector
 * per role on the election's own client, with early takeover where this process knows its
 * pod; {@link com.example.testleader.election.wiring.EarlyTakeoverProperties} configures
 * early takeover (the election's timings are
 * {@link com.example.testleader.election.LeaderElectionProperties}, in the core). The
 * start-up guards refuse to start rather than run unsafely: without a Kubernetes API
 * ({@link com.example.testleader.election.wiring.NoKubernetesApiException}), with a
 * revocation listener that could return before its work stopped
 * ({@link com.example.testleader.election.wiring.SynchronousRevocations}), or with a
 * shutdown phase shorter than the longest graceful leave; their failure analyzers are
 * registered in {@code META-INF/spring.factories}.
 * {@link com.example.testleader.election.wiring.ReadinessGate} lets the replica compete only
 * while the application accepts traffic.
 *
 * <p>
 * Nothing here is for the application to call; it imports the other election packages,
 * and none of them imports it. It promises nothing of its own beyond refusing those
 * start-ups: the guarantees are the election's, written once in {@code docs/guarantees.md}
 * ("Refused at start-up").
 */
package com.example.testleader.election.wiring;
