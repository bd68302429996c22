package com.example.testleader.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.Election;
import com.example.testleader.election.LeaderChanged;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.Leadership;
import com.example.testleader.election.RunningWork;
import com.example.testleader.election.Ticker;
import com.example.testleader.election.roles.ElectedRoles;
import com.example.testleader.election.roles.Electors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.stereotype.Component;

/**
 * The roles and their work: every {@link CriticalWork} bean grouped by the roles it names,
 * one {@link CriticalTaskScheduler} per role, and the leadership events of each role
 * handed to that role's scheduler. The roles found here are the ones the election
 * competes for ({@link #electedRoles()}).
 */
@Component
class CriticalTasks implements CriticalWorkMonitor, RunningWork {

	private static final Logger log = LoggerFactory.getLogger(CriticalTasks.class);

	private final Map<String, CriticalTaskScheduler> schedulers = new LinkedHashMap<>();

	CriticalTasks(ObjectProvider<CriticalWork> work, CriticalTaskProperties properties,
			LeaderElectionProperties election, MeterRegistry meters, ObjectProvider<Electors> electors) {
		Map<String, List<CriticalWork>> byRole = byRole(work.orderedStream().toList(), election.leaseName());
		for (String role : properties.perRole().keySet()) {
			if (!byRole.containsKey(role)) {
				throw new IllegalArgumentException("test-leader.task.per-role." + role + " configures the role '" + role
						+ "', but no critical work runs under it (roles: " + byRole.keySet() + ")");
			}
		}
		byRole.forEach((role, each) -> this.schedulers.put(role, new CriticalTaskScheduler(role, each,
				properties.schedule(role), election, meters, () -> leadership(electors, role), Ticker.SYSTEM)));
	}

	/** What the elector of {@code role} believes, or {@code null} if there is none (yet). */
	private static Leadership leadership(ObjectProvider<Electors> electors, String role) {
		Electors all = electors.getIfAvailable();
		return (all != null) ? all.elector(role).map(Election::leadership).orElse(null) : null;
	}

	private static Map<String, List<CriticalWork>> byRole(List<CriticalWork> work, String defaultRole) {
		Map<String, List<CriticalWork>> byRole = new LinkedHashMap<>();
		for (CriticalWork each : work) {
			List<String> roles = each.roles().isEmpty() ? List.of(defaultRole) : each.roles();
			String source = "The roles of critical work " + each.getClass().getName();
			for (String role : roles) {
				ElectedRoles.requireValidName(source, role);
				List<CriticalWork> ofRole = byRole.computeIfAbsent(role, (name) -> new ArrayList<>());
				if (ofRole.contains(each)) {
					throw new IllegalArgumentException(source + " name '" + role + "' twice (" + roles + ")");
				}
				ofRole.add(each);
			}
		}
		if (byRole.isEmpty()) {
			byRole.put(defaultRole, List.of());
		}
		return byRole;
	}

	/** The roles work runs under, in the order their work was declared: the ones to compete for. */
	ElectedRoles electedRoles() {
		return new ElectedRoles(List.copyOf(this.schedulers.keySet()));
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onGranted(OnGrantedEvent event) {
		scheduler(event.getRole()).ifPresent((scheduler) -> scheduler.onGranted(event));
	}

	@EventListener
	@Order(Ordered.HIGHEST_PRECEDENCE)
	void onRevoked(OnRevokedEvent event) {
		scheduler(event.getRole()).ifPresent((scheduler) -> scheduler.onRevoked(event));
	}

	@EventListener
	void onLeaderChanged(LeaderChanged event) {
		log.info("new leader: {} fencingToken={} (seen by identity={}) role={}{}",
				(event.leader() != null) ? event.leader() : "none", event.fencingToken(), event.observer(),
				event.role(),
				(event.earlyTakeover() != null) ? ", taken before the lease expired: " + event.earlyTakeover() : "");
	}

	private Optional<CriticalTaskScheduler> scheduler(String role) {
		return Optional.ofNullable(this.schedulers.get(role));
	}

	@Override
	public List<String> roles() {
		return List.copyOf(this.schedulers.keySet());
	}

	@Override
	public Duration period(String role) {
		return scheduler(role).map(CriticalTaskScheduler::period).orElseThrow(
				() -> new IllegalArgumentException("No critical work runs under the role '" + role + "'"));
	}

	@Override
	public CriticalWorkStatus status(String role) {
		return scheduler(role).map(CriticalTaskScheduler::status).orElseGet(() -> CriticalWorkStatus.notLeading(List.of()));
	}

	/**
	 * Asked by the elector before it releases the Lease of {@code role}, whatever became of
	 * the revocation on its way here (an error handler on the event multicaster may have
	 * swallowed the scheduler's refusal).
	 */
	@Override
	public Optional<String> stillRunning(String role) {
		return scheduler(role).flatMap(CriticalTaskScheduler::stillRunning);
	}

	@PreDestroy
	void shutDown() {
		this.schedulers.values().forEach(CriticalTaskScheduler::shutDown);
	}

}
