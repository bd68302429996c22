package com.example.testleader.observability;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.roles.ElectedRoles;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Counts what the electors do, per role ({@code name}: the role's Lease). Every series
 * is registered at zero up front, so that dashboards and alerts see zeros rather than
 * missing series.
 * <ul>
 * <li>{@code leader_election_acquisitions_total{name}}</li>
 * <li>{@code leader_election_losses_total{name,reason}}: reason is released, rolled_out,
 * yielded, handed_over, transferred, preferred, renew_deadline, expired, taken_over, deleted or abandoned</li>
 * <li>{@code leader_election_renewals_total{name,outcome}}: outcome is success, conflict,
 * error or timeout</li>
 * <li>{@code leader_election_moves_total{name,reason}}: leadership this replica gave up
 * with a release for another replica to take ({@link StepDownReason#move()}); reason is
 * stop, rollout, request or balance. Counted once the Lease was released, by the replica giving it
 * up; a graceful step-down whose release failed is no move (the Lease is waited out).</li>
 * </ul>
 */
@Component
class ElectionCounters implements ElectionObserver {

	private final MeterRegistry registry;

	ElectionCounters(MeterRegistry registry, ObjectProvider<ElectedRoles> roles, LeaderElectionProperties election) {
		this.registry = registry;
		List<String> names = ElectedRoles.of(roles, election).names();
		for (String role : names) {
			acquisitions(role);
			for (StepDownReason reason : StepDownReason.values()) {
				losses(role, reason);
			}
			for (RenewalOutcome outcome : RenewalOutcome.values()) {
				renewals(role, outcome);
			}
			Stream.of(StepDownReason.values())
				.map(StepDownReason::move)
				.flatMap(Optional::stream)
				.distinct()
				.forEach((reason) -> moves(role, reason));
		}
	}

	@Override
	public void acquired(LeaderTerm term) {
		acquisitions(term.role()).increment();
	}

	@Override
	public void lost(LeaderTerm term, StepDownReason reason) {
		losses(term.role(), reason).increment();
	}

	@Override
	public void ended(LeaderTerm term, StepDownReason reason, boolean released, String handedTo) {
		if (released) {
			reason.move().ifPresent((move) -> moves(term.role(), move).increment());
		}
	}

	@Override
	public void renewal(LeaderTerm term, RenewalOutcome outcome) {
		renewals(term.role(), outcome).increment();
	}

	private Counter acquisitions(String role) {
		return Counter.builder("leader.election.acquisitions")
			.description("Terms this replica began")
			.tag("name", role)
			.register(this.registry);
	}

	private Counter losses(String role, StepDownReason reason) {
		return Counter.builder("leader.election.losses")
			.description("Terms this replica ended, by reason")
			.tag("name", role)
			.tag("reason", reason.name().toLowerCase(Locale.ROOT))
			.register(this.registry);
	}

	private Counter moves(String role, String reason) {
		return Counter.builder("leader.election.moves")
			.description("Leadership this replica gave up with a release for another replica, by reason")
			.tag("name", role)
			.tag("reason", reason)
			.register(this.registry);
	}

	private Counter renewals(String role, RenewalOutcome outcome) {
		return Counter.builder("leader.election.renewals")
			.description("Renewal attempts of the leader, by outcome")
			.tag("name", role)
			.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
			.register(this.registry);
	}

}
