package com.example.testleader.events;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;

/**
 * One transition of this replica, as its Kubernetes Event tells it. The message begins as
 * client-go's does ({@code <identity> became leader}, {@code <identity> stopped leading}),
 * so that what operators grep for still matches, and adds the fencing token and the cause.
 * The cause is the {@code reason} label of {@code leader_election_losses_total}, so that an
 * Event and a metric can be matched.
 *
 * @param role the role: the Lease the Event is about
 * @param identity holder identity of this replica
 * @param fencingToken the term's fencing token
 * @param stepDown why the term ended, or {@code null} for the start of a term
 * @param earlyTakeover for a term begun before the Lease expired, the proof that the
 * previous holder's process was gone; otherwise {@code null}
 * @param released for the end of a term, whether the Lease was released (after a
 * deletion: created again, released)
 * @param handedTo for a release handed to a replica, that replica; otherwise {@code null}
 * @param at when it happened, on this replica's wall clock
 */
record LeadershipChange(String role, String identity, long fencingToken, StepDownReason stepDown,
		String earlyTakeover, boolean released, String handedTo, Instant at) {

	/** The longest message events.k8s.io accepts (its {@code note}); core/v1 shows it as is. */
	static final int MESSAGE_LIMIT = 1024;

	static LeadershipChange became(LeaderTerm term, Optional<String> earlyTakeover, Instant at) {
		return new LeadershipChange(term.role(), term.identity(), term.fencingToken(), null, earlyTakeover.orElse(null),
				false, null, at);
	}

	/** The end of a term, once its step-down is over (the Lease released or not). */
	static LeadershipChange stopped(LeaderTerm term, StepDownReason reason, boolean released, String handedTo,
			Instant at) {
		return new LeadershipChange(term.role(), term.identity(), term.fencingToken(), reason, null, released, handedTo,
				at);
	}

	String message() {
		String message = (this.stepDown == null) ? became() : stopped();
		return (message.length() <= MESSAGE_LIMIT) ? message : message.substring(0, MESSAGE_LIMIT - 3) + "...";
	}

	private String became() {
		String message = this.identity + " became leader (fencing token " + this.fencingToken + ")";
		return (this.earlyTakeover != null) ? message + ", taking over before the Lease expired: " + this.earlyTakeover
				: message;
	}

	private String stopped() {
		return this.identity + " stopped leading (fencing token " + this.fencingToken + "): "
				+ this.stepDown.name().toLowerCase(Locale.ROOT) + ", " + cause(this.stepDown) + lease();
	}

	/**
	 * What became of the Lease, where the step-down decides it: a graceful one, a lapsed
	 * term released once its work stopped, or after a deletion.
	 */
	private String lease() {
		if (this.stepDown.graceful() && this.released) {
			return "; the Lease was released" + ((this.handedTo != null) ? ", handed to " + this.handedTo : "");
		}
		if (this.stepDown.graceful()) {
			return "; this replica did not release the Lease (the work did not stop in time, the release failed, or "
					+ "the Lease was no longer its own)";
		}
		if (!this.released) {
			return "";
		}
		return (this.stepDown == StepDownReason.DELETED) ? "; created again, released"
				: "; the Lease was released once the work had stopped";
	}

	private static String cause(StepDownReason reason) {
		return switch (reason) {
			case RELEASED -> "it left the election (shutting down, or no longer ready)";
			case ROLLED_OUT -> "it left the election in a rollout, for a replica of the newer revision";
			case YIELDED -> "it handed leadership over on request";
			case HANDED_OVER -> "it handed the role to a replica holding fewer roles, to balance them";
			case TRANSFERRED -> "it handed leadership to the replica named in a request";
			case PREFERRED -> "it handed leadership to the replica the Lease prefers";
			case RENEW_DEADLINE -> "renewals failed or hung until the renew deadline";
			case EXPIRED -> "the renew deadline passed before a renewal was attempted (a long pause)";
			case TAKEN_OVER -> "the Lease names another holder or term";
			case DELETED -> "the Lease was deleted";
			case ABANDONED -> "the service stopped before it could step down; the Lease expires on its own";
		};
	}

}
