package com.example.testleader.election.roles;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.Cadence;
import com.example.testleader.election.Handover;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.Ticker;
import com.example.testleader.election.takeover.PodWatch;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Spreads this replica's roles over the replicas by the rule of {@link RoleBalance}: after
 * any change it sees (a role's holder, a pod's readiness, joining), and once every retry
 * period in any case (a lease that runs out changes nothing it is told of), it waits for
 * the view to settle, then makes the move the rule gives this replica, one at a time: the
 * next only once the last has been answered and every role is held again.
 *
 * <p>
 * A move is an offer ({@link LeaseElector#offer(String)}): the receiver must accept it on
 * the Lease before anything is released, which it does only if it reaches the API server
 * and competes for the role. Then the handover is graceful (the work stops, then the
 * Lease is released to the receiver, which takes it at once): every guarantee of a single
 * election holds per role throughout. An offer refused (unanswered: a replica cut off from
 * the API, stopping, or without that role) costs no leaderless time; the same move is not
 * offered again for a lease duration, doubling each time it is refused again.
 *
 * <p>
 * Who is alive comes from the application's pods ({@link PodWatch#members()}): ready, and
 * not being deleted. That needs nothing beyond what early takeover already has (list and
 * watch on pods in the namespace, the same single watch) and no request of its own. The
 * view is used once it has shown this replica's own pod (ready or not), which tells that replica names
 * are pod names (for the life of the process: neither the identity nor the selector
 * changes); from then on also while its own pod is being deleted or no longer ready, as
 * it is when this replica leaves, so that its roles go to the replicas then holding the
 * fewest, a new one holding none included. Until then (no permission, not in sync, a
 * configured identity other than the pod name, no pods at all, or a replica leaving
 * before its view ever showed its pod ready) the members are the replicas holding a
 * role, and this one: a replica that holds none is then not known to the others and gets
 * roles only as they come free.
 * <p>
 * It is the when (settling after a change, one move at a time, backing off refused moves
 * with {@link RefusedMoves}); the who is {@link RoleView}, the rule {@link RoleBalance},
 * pure and apart.
 * <p>
 * Internal: for the election's own packages.
 */
public final class RoleBalancer {

	private static final Logger log = LoggerFactory.getLogger(RoleBalancer.class);

	private final Map<String, LeaseElector> electors;

	private final String self;

	private final PodWatch pods;

	private final RoleView who;

	private final Cadence cadence;

	private final Ticker ticker;

	private final Runnable podsChanged = this::changed;

	private volatile ScheduledExecutorService executor;

	// Confined to the balancer's thread.
	private ScheduledFuture<?> pending;

	// Confined to the balancer's thread.
	private CompletableFuture<Handover> moving = CompletableFuture.completedFuture(Handover.NOT_LEADING);

	// Confined to the balancer's thread.
	private final RefusedMoves refused;

	// Confined to the balancer's thread: roles without a holder, since when; warned of once.
	private final Map<String, Long> freeSince = new HashMap<>();

	private final Set<String> warnedFree = new TreeSet<>();

	// Confined to the balancer's thread: since when the pods seen lack this replica's own.
	private Long withoutOwnPodSince;

	private boolean warnedNoOwnPod;


	/**
	 * @param electors the electors of this replica, by role, in the roles' order
	 * @param pod where this replica runs: its name, and its holder identity
	 * @param pods the view of the application's pods
	 */
	public RoleBalancer(Map<String, LeaseElector> electors, PodIdentity pod, PodWatch pods, Cadence cadence, Ticker ticker) {
		this.electors = new LinkedHashMap<>(electors);
		this.self = pod.podName();
		this.who = new RoleView(this.electors, pod, pods);
		this.pods = pods;
		this.cadence = cadence;
		this.ticker = ticker;
		this.refused = new RefusedMoves(cadence.timings().leaseDuration());
		if (balancing()) {
			this.electors.values().forEach((elector) -> elector.onChange(this::changed));
		}
	}

	/**
	 * Whether there is anything to balance: several roles. With one, the balancer only plans
	 * where the role goes when this replica leaves, from what the pods show then: it runs no
	 * thread and listens to nothing.
	 */
	private boolean balancing() {
		return this.electors.size() > 1;
	}

	void start() {
		if (!balancing()) {
			return;
		}
		CustomizableThreadFactory threads = new CustomizableThreadFactory("role-balance-");
		threads.setDaemon(true);
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(threads);
		this.executor = started;
		long period = this.cadence.retryNanos();
		started.scheduleWithFixedDelay(this::changed, period, period, TimeUnit.NANOSECONDS);
		this.pods.listen(this.podsChanged);
	}

	void stop() {
		ScheduledExecutorService current = this.executor;
		if (current != null) {
			this.pods.stopListening(this.podsChanged);
			current.shutdownNow();
		}
	}

	/** This replica competes for the roles (again): look at once. */
	void joined() {
		changed();
	}

	/**
	 * This replica leaves: where each role it holds should go, as it sees the others
	 * ({@link RoleBalance#leavePlan()}), and which of them go to a newer revision.
	 */
	LeavePlan leaving() {
		RoleBalance view = this.who.of(false);
		Map<String, String> plan = view.leavePlan();
		return new LeavePlan(plan, view.toNewerRevision(plan));
	}

	/**
	 * Where this replica's roles go when it leaves.
	 *
	 * @param handTo for each role planned, the replica to hand it to
	 * @param rollout the roles handed to a newer revision: a rollout
	 */
	record LeavePlan(Map<String, String> handTo, Set<String> rollout) {

		static final LeavePlan NONE = new LeavePlan(Map.of(), Set.of());

	}

	/** What this replica sees now. */
	RoleBalance view() {
		return this.who.of(competing());
	}

	private boolean competing() {
		return this.electors.values().stream().anyMatch(LeaseElector::competes);
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
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	private void evaluate() {
		if (!competing() || !this.moving.isDone()) {
			return;
		}
		long now = this.ticker.nanoTime();
		RoleBalance view = view();
		if (this.electors.size() > 1) {
			// with one role there is nothing to balance, nor to warn of
			warnOfRolesLongFree(view, now);
			warnOfNoOwnPod(now);
		}
		Optional<RoleBalance.Move> move = view.move(this.refused.excluded(now));
		if (move.isEmpty()) {
			return;
		}
		String role = move.get().role();
		String to = move.get().to();
		Map<String, Integer> counts = view.counts();
		log.info("Offering role {} to {} to balance the roles ({} held here, {} there)", role, to,
				counts.get(this.self), counts.get(to));
		this.moving = this.electors.get(role).offer(to);
		this.moving.whenComplete((outcome, failure) -> answered(move.get(), outcome));
	}

	/** The receiver answered (or did not): a refusal keeps the same move from being offered again soon. */
	private void answered(RoleBalance.Move move, Handover outcome) {
		ScheduledExecutorService current = this.executor;
		if (outcome == Handover.WITHDRAWN) {
			// a request that outranks the balance has the role: the next regular look tries again
			return;
		}
		if (outcome == Handover.NOT_ACCEPTED && current != null) {
			try {
				current.execute(() -> log.info("{} did not accept role {}: not offering it that role again for {}",
						move.to(), move.role(), this.refused.refused(move, this.ticker.nanoTime())));
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
		changed();
	}

	/**
	 * Pods are seen but never yet this replica's own, for a lease duration (longer than its
	 * readiness takes to show): say once that balancing falls back to the holders. Once its
	 * pod was seen, the names match, whatever its readiness later.
	 */
	private void warnOfNoOwnPod(long now) {
		Optional<Set<String>> ready = this.pods.members();
		if (ready.isEmpty() || ready.get().contains(this.self) || this.who.podsNameReplicas()) {
			this.withoutOwnPodSince = null;
			return;
		}
		if (this.withoutOwnPodSince == null) {
			this.withoutOwnPodSince = now;
		}
		if (!this.warnedNoOwnPod && now - this.withoutOwnPodSince > this.cadence.timings().leaseDuration().toNanos()) {
			this.warnedNoOwnPod = true;
			log.warn("The application's ready pods do not include this replica's, {}: the roles are balanced only "
					+ "among the replicas holding one. Is test-leader.election.identity set to something other than "
					+ "the pod name, or test-leader.election.early-takeover.pod-selector not matching this pod?",
					this.self);
		}
	}

	/** Balancing waits while a role is free; say so once if one stays free for a lease duration. */
	private void warnOfRolesLongFree(RoleBalance view, long now) {
		view.holders().forEach((role, holder) -> {
			if (holder != null) {
				this.freeSince.remove(role);
				this.warnedFree.remove(role);
				return;
			}
			long since = this.freeSince.computeIfAbsent(role, (free) -> now);
			Duration free = Duration.ofNanos(now - since);
			if (free.compareTo(this.cadence.timings().leaseDuration()) > 0 && this.warnedFree.add(role)) {
				log.warn("Role {} has had no holder for {}: no replica can take its Lease (is it in the Role's "
						+ "resourceNames?); the roles are not balanced until it has one", role, free);
			}
		});
	}

}
