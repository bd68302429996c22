/**
 * Several roles: one Lease, one elector and one fencing token per role
 * ({@link com.example.testleader.election.roles.Electors}, for the roles
 * {@link com.example.testleader.election.roles.ElectedRoles} names), and their balance over
 * the replicas: the rule that spreads them
 * ({@link com.example.testleader.election.roles.RoleBalance}), this replica's part in it
 * ({@link com.example.testleader.election.roles.RoleBalancer}: one move at a time, a
 * graceful hand-over to one named replica), and refused moves paused
 * ({@link com.example.testleader.election.roles.RefusedMoves}).
 *
 * <p>
 * {@code Electors} and {@code ElectedRoles} are for the application; the rest is internal
 * to the election. It builds on the Lease protocol and reads the view of the pods of early
 * takeover; it never imports the wiring.
 *
 * <p>
 * <b>What it does not promise</b>: an even spread. The balance is only as good as the
 * view of the pods: a replica that holds no role and cannot be seen (no list and watch on
 * pods, no kubelet, an identity other than the pod name) gets roles only as they come
 * free, and a hand-over to a receiver that dies or leaves leaves the role without a leader
 * for one retry period. A moved role is a graceful hand-over (the work stops, then the
 * Lease is released), never an overlap: every role keeps the guarantees of one, no more. Written once in {@code docs/guarantees.md} ("Every role keeps all of
 * this", "The balance of roles is only as good as the view of the pods") and
 * {@code docs/roles.md}.
 */
package com.example.testleader.election.roles;
