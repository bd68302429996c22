package com.example.testleader.election;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads this replica's roles over the replicas by the rule of {@link RoleBalance}: after
 * any change it sees (a role's holder, a pod's readiness, joining or leaving), and once
 * every retry period in any case (a lease that runs out changes nothing it is told of),
 * it waits for the view to settle, then makes the move the rule gives this replica, one
 * at a time: the next only once the last has completed and every role is held again.
 *
 * <p>
 * A move is a graceful handover ({@link LeaseElector#handOver(String)}): the work of the
 * role stops, then its Lease is released marked for the receiver, which takes it at once.
 * Every guarantee of a single election holds per role throughout: a move is a release and
 * a take like any other.
 *
 * <p>
 * Who is alive comes from the application's pods ({@link PodWatch#members()}): ready, and
 * not being deleted. That needs nothing beyond what early takeover already has (list and
 * watch on pods in the namespace, the same single watch) and no request of its own; a
 * replica is ready exactly while it competes, since it joins the election on Spring's
 * readiness. Without a view of the pods (no permission, or not in sync) the members are
 * the replicas holding a role, and this one: a replica that holds none is then not known
 * to the others and gets roles only as they come free.
 */
final class RoleBalancer {

	private static final Logger log = LoggerFactory.getLogger(RoleBalancer.class);

	private final Map<String, LeaseElector> electors;

	private final String self;

	private final PodWatch pods;

	private final Cadence cadence;

	private final Runnable podsChanged = this::changed;

	private volatile ScheduledExecutorService executor;

	private volatile boolean competing;

	// Confined to the balancer's thread.
	private ScheduledFuture<?> pending;

	// Confined to the balancer's thread.
	private CompletableFuture<Handover> moving = CompletableFuture.completedFuture(Handover.NOT_LEADING);

	/**
	 * @param electors the electors of this replica, by role, in the roles' order
	 * @param self this replica's name ({@link PodIdentity#podName()})
	 * @param pods the view of the application's pods
	 */
	RoleBalancer(Map<String, LeaseElector> electors, String self, PodWatch pods, Cadence cadence) {
		this.electors = new LinkedHashMap<>(electors);
		this.self = self;
		this.pods = pods;
		this.cadence = cadence;
		this.electors.values().forEach((elector) -> elector.onChange(this::changed));
	}

	void start() {
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "role-balance");
			thread.setDaemon(true);
			return thread;
		});
		this.executor = started;
		long period = this.cadence.retryNanos();
		started.scheduleWithFixedDelay(this::evaluate, period, period, TimeUnit.NANOSECONDS);
		this.pods.listen(this.podsChanged);
	}

	void stop() {
		this.competing = false;
		this.pods.stopListening(this.podsChanged);
		ScheduledExecutorService current = this.executor;
		if (current != null) {
			current.shutdownNow();
		}
	}

	/** This replica competes for the roles from now on. */
	void joined() {
		this.competing = true;
		changed();
	}

	/**
	 * This replica leaves: it moves no role any more, and returns where each role it holds
	 * should go ({@link RoleBalance#leavePlan()}).
	 */
	Map<String, String> leaving() {
		this.competing = false;
		return view().leavePlan();
	}

	/** What this replica sees now. */
	RoleBalance view() {
		Map<String, String> holders = new LinkedHashMap<>();
		Set<String> holding = new TreeSet<>();
		this.electors.forEach((role, elector) -> {
			String holder = elector.liveHolder().map(PodIdentity::replicaOf).orElse(null);
			holders.put(role, holder);
			if (holder != null) {
				holding.add(holder);
			}
		});
		Set<String> members = new TreeSet<>(this.pods.members().orElse(holding));
		if (this.competing) {
			members.add(this.self);
		}
		else {
			members.remove(this.self);
		}
		return new RoleBalance(this.self, members, holders);
	}

	/** Something changed: look again once it has settled. Returns at once. */
	private void changed() {
		ScheduledExecutorService current = this.executor;
		if (current == null) {
			return;
		}
		try {
			current.execute(() -> {
				if (this.pending != null) {
					this.pending.cancel(false);
				}
				this.pending = current.schedule(this::evaluate, this.cadence.balanceSettleNanos(),
						TimeUnit.NANOSECONDS);
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// stopping
		}
	}

	private void evaluate() {
		if (!this.competing || !this.moving.isDone()) {
			return;
		}
		RoleBalance view = view();
		Optional<RoleBalance.Move> move = view.move();
		if (move.isEmpty()) {
			return;
		}
		String role = move.get().role();
		String to = move.get().to();
		Map<String, Integer> counts = view.counts();
		log.info("Handing role {} to {} to balance the roles ({} held here, {} there)", role, to,
				counts.get(this.self), counts.get(to));
		this.moving = this.electors.get(role).handOver(to);
		this.moving.whenComplete((outcome, failure) -> changed());
	}

}
