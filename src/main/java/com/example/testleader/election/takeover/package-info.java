/**
 * Early takeover: a follower takes the Lease before it expires, but only on the kubelet's
 * proof that the process holding the term is gone. The holder stamps each term with its
 * pod's UID, its container and the term's beginning
 * ({@link com.example.testleader.election.takeover.HolderPod}, on a clock corrected for
 * backward steps: {@link com.example.testleader.election.takeover.SteppedClock}); followers
 * watch the application's pods ({@link com.example.testleader.election.takeover.PodWatch})
 * and apply the rule ({@link com.example.testleader.election.takeover.ProcessGone}).
 * {@link com.example.testleader.election.takeover.EarlyTakeover} is what the Lease protocol
 * sees of all this, through its one interface
 * {@link com.example.testleader.election.HolderProcess}; without POD_UID, or switched off,
 * the protocol gets {@link com.example.testleader.election.HolderProcess#NONE} and waits
 * every holder out.
 *
 * <p>
 * <b>What it does not promise</b>: it trusts what a dead process means, that its own work
 * has stopped; requests it already sent downstream, or work it handed to another process,
 * lose the lease's slack, and fencing tokens still matter there. A node that is NotReady
 * or unreachable, a pod view out of sync or not permitted, a force-deleted pod last seen
 * running: none of these is proof, all are waited out. A backward step of the node's
 * clock larger than the gap between a container's exit and its successor's start, seen
 * with a stale pod view, could fake a proof. Written once, with the rest, in
 * {@code docs/guarantees.md} ("Early takeover trusts what a dead process means") and
 * {@code docs/early-takeover.md}.
 *
 * <p>
 * Everything here is internal to the election: it imports the Lease protocol, never the
 * wiring.
 */
package com.example.testleader.election.takeover;
