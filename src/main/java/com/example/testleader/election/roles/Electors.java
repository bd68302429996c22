package com.example.testleader.election.roles;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import com.example.testleader.election.LeaseElector;

/**
 * One {@link LeaseElector} per role ({@link ElectedRoles}), each competing for the Lease
 * of its role with every guarantee of a single election, started and stopped together,
 * and, with several roles (or one, where the pods are watched), a {@link RoleBalancer} that
 * spreads the roles over the replicas. On leaving (shutdown, or no longer ready) every
 * role steps down at once, each releasing its Lease only once its work has stopped, handed
 * as {@link RoleBalance#leavePlan()} says. The roles share one API client and one view of
 * the application's pods.
 */
public final class Electors implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Electors.class);

	private final Map<String, LeaseElector> byRole;

	private final String defaultRole;

	private final RoleBalancer balancer;

	private final Runnable closeShared;

	private volatile boolean running;

	/**
	 * Internal: for the election's own packages (the wiring builds them).
	 * @param byRole the electors, by role, in the roles' order
	 * @param defaultRole the role of work that names none
	 * @param balancer spreads the roles over the replicas, and plans where they go when this
	 * replica leaves; {@code null} for none (the roles go to whoever takes them first)
	 * @param closeShared closes what the electors share (the client), after they stopped
	 */
	public Electors(Map<String, LeaseElector> byRole, String defaultRole, RoleBalancer balancer, Runnable closeShared) {
		if (byRole.isEmpty()) {
			throw new IllegalArgumentException("At least one role is needed");
		}
		this.byRole = new LinkedHashMap<>(byRole);
		this.defaultRole = defaultRole;
		this.balancer = balancer;
		this.closeShared = closeShared;
	}

	/** The roles, in order. */
	public List<String> roles() {
		return List.copyOf(this.byRole.keySet());
	}

	/** The role of work that names none: {@code test-leader.election.lease-name}. */
	public String defaultRole() {
		return this.defaultRole;
	}

	/** The elector of the default role, or of the first role where no work runs under the default. */
	public LeaseElector primary() {
		return this.byRole.getOrDefault(this.defaultRole, this.byRole.values().iterator().next());
	}

	public Optional<LeaseElector> elector(String role) {
		return Optional.ofNullable(this.byRole.get(role));
	}

	public Collection<LeaseElector> all() {
		return this.byRole.values();
	}

	/** This replica's holder identity (the same in every role). */
	public String identity() {
		return primary().identity();
	}

	/**
	 * How many roles each replica holds, as this replica sees it: every member (zero for one
	 * holding none), in name order; empty without a balancer (a single role whose replica
	 * does not watch the pods).
	 */
	public Map<String, Integer> rolesPerReplica() {
		if (this.balancer == null) {
			return Map.of();
		}
		return new java.util.TreeMap<>(this.balancer.view().counts());
	}

	/** Competes for every role; see {@link LeaseElector#join()}. */
	public void join() {
		this.byRole.values().forEach(LeaseElector::join);
		if (this.balancer != null) {
			this.balancer.joined();
		}
	}

	/**
	 * Leaves every role at once, each handed as {@link RoleBalance#leavePlan()} says (to a
	 * replica of the newest revision, then holding the fewest roles); see
	 * {@link LeaseElector#leave(String)}.
	 */
	public void leave() {
		RoleBalancer.LeavePlan plan = leavePlan();
		this.byRole.forEach((role, elector) -> elector.leave(plan.handTo().get(role), plan.rollout().contains(role)));
	}

	@Override
	public void start() {
		this.byRole.values().forEach(LeaseElector::start);
		if (this.balancer != null) {
			this.balancer.start();
		}
		this.running = true;
	}

	/** Every role steps down at once; returns when all have. */
	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		RoleBalancer.LeavePlan plan = leavePlan();
		AtomicInteger left = new AtomicInteger(this.byRole.size());
		Runnable stepped = () -> {
			if (left.decrementAndGet() == 0) {
				if (this.balancer != null) {
					this.balancer.stop();
				}
				callback.run();
			}
		};
		this.byRole.forEach((role, elector) -> elector.stop(plan.handTo().get(role), plan.rollout().contains(role),
				stepped));
	}

	/** Where the roles go; a plan that cannot be made never keeps the roles from stepping down. */
	private RoleBalancer.LeavePlan leavePlan() {
		try {
			return (this.balancer != null) ? this.balancer.leaving() : RoleBalancer.LeavePlan.NONE;
		}
		catch (RuntimeException ex) {
			log.warn("Could not plan where this replica's roles go; they go to whoever takes them first", ex);
			return RoleBalancer.LeavePlan.NONE;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stopped first, before the web server and everything the work may use. */
	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	/** Closes the election's own client; after {@link #stop()}. */
	public void close() {
		this.byRole.values().forEach(LeaseElector::close);
		this.closeShared.run();
	}

}
