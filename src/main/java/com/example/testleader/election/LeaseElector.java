package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Competes for one Kubernetes Lease and tells the application while this replica leads.
 *
 * <p>
 * What it guarantees, and what not, is written once, in {@code docs/guarantees.md}: in
 * short, it leads only after a write of its own and only until the renew deadline after
 * its last renewal, on its monotonic {@link Ticker}; another replica waits a full lease
 * from its last sight of a change (sooner only on a {@link HolderProcess} proof); the work
 * is stopped before any release; nothing in-process stops a paused process acting late,
 * which is what the fencing token is for. Each rule lives in the class named with it:
 * {@link Deadline} and {@link TermValidity} (a lapsed term never comes back),
 * {@link Observation} (expiry on the observer's clock), {@link TermEnding} (revoke, wait,
 * release), {@link LeaderEvents} (listeners cannot delay renewals), {@link ElectionLoop}
 * (one thread owns the state; stopping never loses a revocation).
 * <p>
 * It watches the Lease, so a release is acted on at once and any change by someone else
 * is checked at once; polling fills in whenever the watch is quiet.
 * <p>
 * This class takes the election's requests, says what this replica believes, and runs its
 * lifecycle; the rest of the application holds it as an {@link Election}. What runs on the
 * election's one thread is {@link ElectionSteps}; each part of the timeline has a class of
 * its own: {@link Acquisition} (a follower takes the Lease), {@link TermKeeping} (the
 * leader renews), {@link TermEnding} (revoke, wait, release), {@link KnownLease} with
 * {@link Observation} and {@link HolderProcess} (judging expiry and proof). It is still
 * over 300 lines because the public face, the replica's belief (leadership, live holder,
 * the step timers) and the lifecycle all hold the same few fields; the next cut would be
 * the read side ({@code leadership()}, {@code liveHolder()}).
 */
public final class LeaseElector implements SmartLifecycle, Terms, Election {

	private static final Logger log = LoggerFactory.getLogger(LeaseElector.class);

	private final LeaseApi api;

	private final String identity;

	private final Cadence cadence;

	private final Ticker ticker;

	private final LeaderEvents events;

	private final HolderProcess early;

	private final ElectionLoop loop;

	private final KnownLease known;

	// What runs on the loop, and the state only it changes.
	private final ElectionSteps steps;

	private volatile SharedIndexInformer<Lease> watch;

	private volatile boolean running;

	/** Whether the application wants this replica to compete ({@link #join()} / {@link #leave()}). */
	private volatile boolean joinRequested;

	/** Internal: for the election's own packages (the wiring builds one per role). */
	public LeaseElector(LeaseApi api, String identity, Cadence cadence, LeaderEvents events, ElectionObserver observer,
			Clock clock, Ticker ticker, HolderProcess early, RunningWork work) {
		this.api = api;
		this.identity = identity;
		this.cadence = cadence;
		this.ticker = ticker;
		this.events = events;
		this.early = early;
		this.loop = new ElectionLoop(api.describe(), ticker);
		this.known = new KnownLease(api, identity, cadence, clock, events);
		this.steps = new ElectionSteps(
				new ElectionParts(this, api, identity, cadence, this.known, events, observer, clock, ticker),
				this.loop, early, work);
	}

	/**
	 * Starts competing for the Lease (again), if not already. Called before
	 * {@link #start()}, or between a stop and a start, it takes effect at the start.
	 */
	public void join() {
		this.joinRequested = true;
		if (!this.loop.execute(this::compete)) {
			log.info("Will join the election for Lease {} once the elector is started", this.api.describe());
		}
	}

	private void compete() {
		if (this.joinRequested) {
			this.steps.compete();
		}
	}

	/**
	 * Stops competing; if leading, revokes the work, waits for it to stop and releases the
	 * Lease. Completes when that is done.
	 */
	public CompletableFuture<Handover> leave() {
		return leave(null);
	}

	/**
	 * As {@link #leave()}, handing the Lease to the replica named {@code handTo} (a release
	 * marked for it, which the others leave to it for the handover grace; see
	 * {@link LeaseRecord}), or to whoever takes it first if {@code null}.
	 */
	public CompletableFuture<Handover> leave(String handTo) {
		return leave(handTo, false);
	}

	/**
	 * As {@link #leave(String)}: the term is first offered to {@code handTo}, and handed to
	 * it only once it accepts, else released to whoever takes it first
	 * ({@link ElectionSteps#leave(String, StepDownReason, long)}); {@code rollout}:
	 * {@code handTo} is of a newer revision of the application, and the step-down says so
	 * ({@link StepDownReason#ROLLED_OUT}).
	 */
	public CompletableFuture<Handover> leave(String handTo, boolean rollout) {
		this.joinRequested = false;
		return leaveBy(handTo, rollout ? StepDownReason.ROLLED_OUT : StepDownReason.RELEASED, true);
	}

	/** Leaves whatever the application wants: the elector is stopping. */
	private CompletableFuture<Handover> stepOut(String handTo, StepDownReason reason) {
		return leaveBy(handTo, reason, false);
	}

	/**
	 * Leaves within {@link #leaveTimeout()} from now; {@code unlessJoined}: not if the
	 * application has asked to join again meanwhile.
	 */
	private CompletableFuture<Handover> leaveBy(String handTo, StepDownReason reason, boolean unlessJoined) {
		long by = this.ticker.nanoTime() + leaveTimeout().toNanos();
		return this.loop.<CompletableFuture<Handover>>call(() -> (unlessJoined && this.joinRequested)
				? CompletableFuture.completedFuture(Handover.NOT_LEADING) : this.steps.leave(handTo, reason, by), null)
			.thenCompose((left) -> (left != null) ? left : CompletableFuture.completedFuture(Handover.NOT_LEADING));
	}

	/**
	 * Hands leadership over if this replica leads: as {@link LeaseContext#yield()}. The
	 * answer is what actually happened once the loop carried it out, not what this replica
	 * believed when asked.
	 */
	@Override
	public CompletableFuture<Handover> yieldLeadership() {
		return yieldIf((current) -> true);
	}

	@Override
	public void yield(LeaseContext context) {
		yieldIf((current) -> current.context() == context);
	}

	private CompletableFuture<Handover> yieldIf(Predicate<HeldTerm> which) {
		return onLoop(() -> this.steps.yieldIf(which));
	}

	/**
	 * Offers this Lease to the replica named {@code to}, to balance the roles, if this
	 * replica leads it: the offer goes out with a renewal at once; once {@code to} accepts
	 * (proving it reaches the API and competes for the role), the work stops, then the
	 * Lease is released handed to {@code to}, which takes it at once, and this replica
	 * leaves it to {@code to} for the handover grace ({@link Handshake} describes the
	 * handshake). Unaccepted within {@link Cadence#offerTimeoutNanos()}, the offer is
	 * withdrawn and nothing changes ({@link Handover#NOT_ACCEPTED}).
	 */
	public CompletableFuture<Handover> offer(String to) {
		return offer(to, StepDownReason.HANDED_OVER);
	}

	/**
	 * Hands leadership to the replica {@code replica} (a pod name, or a holder identity),
	 * if this replica leads: as {@link #offer(String)}, on an operator's request
	 * ({@link StepDownReason#TRANSFERRED}).
	 */
	@Override
	public CompletableFuture<Handover> handTo(String replica) {
		return offer(PodIdentity.replicaOf(replica), StepDownReason.TRANSFERRED);
	}

	/**
	 * The answer is the offer's own: a caller that cancels it (stops waiting) withdraws the
	 * offer at the next step, so that what it was told did not happen does not happen later.
	 */
	private CompletableFuture<Handover> offer(String to, StepDownReason reason) {
		CompletableFuture<Handover> answer = new CompletableFuture<>();
		this.loop.call(() -> {
			this.steps.offer(to, reason, answer);
			return Boolean.TRUE;
		}, Boolean.FALSE).whenComplete((ran, failure) -> {
			if (failure != null) {
				answer.completeExceptionally(failure);
			}
			else if (!ran) {
				answer.complete(Handover.NOT_LEADING);
			}
		});
		return answer;
	}

	private CompletableFuture<Handover> onLoop(Supplier<Handover> action) {
		return this.loop.call(action, Handover.NOT_LEADING);
	}

	/** What this replica believes right now; never calls the API server. */
	@Override
	public Leadership leadership() {
		HeldTerm current = this.steps.current();
		Observation seen = this.known.observation();
		boolean leading = current != null && current.validity().isValid();
		LeaseRecord record = seen.record();
		long now = this.ticker.nanoTime();
		Duration renewalAge = leading ? Duration.ofNanos(now - current.renewedAtNanos())
				: seen.seenAnything() ? Duration.ofNanos(now - seen.observedAtNanos()) : null;
		return new Leadership(this.identity, this.api.namespace(), this.api.name(), leading,
				competes(), seen.holder(), leading ? current.context().fencingToken() : null,
				leading ? current.renewedAt() : null, seen.observedAt(),
				(record != null) ? record.transitions() : null, (record != null) ? record.acquireTime() : null,
				(record != null) ? record.renewTime() : null,
				(record != null) ? record.leaseDuration().map((d) -> (int) d.toSeconds()).orElse(null) : null,
				renewalAge, stalledFor().orElse(null));
	}

	/**
	 * The holder of this Lease as this replica sees it now, if somebody holds it: this
	 * replica while its term is valid, else the holder it last saw, until that holder's
	 * lease is over as this replica judges it ({@link Observation}). Empty while the Lease
	 * is free, or released and not yet taken. Never calls the API server.
	 */
	public Optional<String> liveHolder() {
		HeldTerm current = this.steps.current();
		if (current != null && current.validity().isValid()) {
			return Optional.of(this.identity);
		}
		Observation seen = this.known.observation();
		String holder = seen.holder();
		if (holder == null || holder.equals(this.identity)
				|| seen.nanosUntilAcquirable(this.ticker.nanoTime(), null) == 0) {
			return Optional.empty();
		}
		return Optional.of(holder);
	}

	/**
	 * The replica this Lease prefers as its holder, as this replica last saw it, if it names
	 * one ({@code spec.preferredHolder}, or the annotation where the API server drops that
	 * field). Never calls the API server. Internal: for the election's own packages.
	 */
	public Optional<String> preferredHolder() {
		LeaseRecord record = this.known.observation().record();
		return (record != null) ? record.preferredHolder().map(PodIdentity::replicaOf) : Optional.empty();
	}

	/**
	 * Tells {@code listener} whenever the holding of the Lease changes as this replica sees it (on the
	 * election's thread: it must return at once). Set before {@link #start()}.
	 */
	public void onChange(Runnable listener) {
		this.known.onChange(listener);
	}

	/** Whether this replica takes part in the election: started, joined, and not leaving. */
	public boolean competes() {
		return this.running && this.steps.competing();
	}

	/** The Lease's name: the role. */
	@Override
	public String role() {
		return this.api.name();
	}

	/**
	 * How long the loop has gone without finishing a step while competing; empty while it
	 * is not competing (not ready yet, or stopped).
	 */
	public Optional<Duration> sinceLastStep() {
		return competes() ? Optional.of(this.loop.sinceProgress()) : Optional.empty();
	}

	/**
	 * How long the loop has been dead or stuck, if it is: no step for
	 * {@link Cadence#stallThreshold()}. One reading, so it cannot contradict itself.
	 */
	public Optional<Duration> stalledFor() {
		return sinceLastStep().filter((since) -> since.compareTo(this.cadence.stallThreshold()) > 0);
	}

	public String identity() {
		return this.identity;
	}

	/** The longest a graceful leave takes; the lifecycle waits no longer. */
	@Override
	public Duration leaveTimeout() {
		return this.cadence.leaveTimeout();
	}

	@Override
	public Duration handOverTimeout() {
		return this.cadence.handOverTimeout();
	}

	@Override
	public void start() {
		this.events.start();
		this.loop.start();
		this.watch = this.api.watch((seen) -> this.loop.execute(() -> this.steps.watched(seen, false)),
				(last) -> this.loop.execute(() -> this.steps.watched(last, true)));
		this.early.start(this.api.describe(), () -> this.loop.execute(this.steps::podsChanged));
		this.running = true;
		this.loop.execute(this.api::prepareWrites);
		this.loop.execute(this::compete);
	}

	/**
	 * Steps out of the election (a graceful step-down if leading), waiting no longer than
	 * {@link #leaveTimeout()}, then shuts the election down. A later {@link #start()}
	 * competes again if the application had joined.
	 */
	@Override
	public void stop() {
		stepOut(null, StepDownReason.RELEASED).completeOnTimeout(null, leaveTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.join();
		shutDown();
	}

	@Override
	public void stop(Runnable callback) {
		stop(null, callback);
	}

	/** As {@link #stop(Runnable)}, handing the Lease to the replica {@code handTo} (see {@link #leave(String)}). */
	public void stop(String handTo, Runnable callback) {
		stop(handTo, false, callback);
	}

	/**
	 * As {@link #stop(String, Runnable)}; {@code rollout}: {@code handTo} is of a newer
	 * revision of the application, and the step-down says so
	 * ({@link StepDownReason#ROLLED_OUT}).
	 */
	public void stop(String handTo, boolean rollout, Runnable callback) {
		stepOut(handTo, rollout ? StepDownReason.ROLLED_OUT : StepDownReason.RELEASED)
			.completeOnTimeout(null, leaveTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenCompleteAsync((result, failure) -> {
				try {
					shutDown();
				}
				finally {
					callback.run();
				}
			});
	}

	/**
	 * Stops the loop, the watch and the events. If a term is still held (the loop did not
	 * finish stepping out in time), it is ended and revoked here, without a release: the
	 * revocation is never lost, and the Lease expires on its own.
	 */
	private void shutDown() {
		this.running = false;
		SharedIndexInformer<Lease> currentWatch = this.watch;
		if (currentWatch != null) {
			currentWatch.stop();
		}
		this.early.stop();
		this.loop.stop();
		if (this.steps.current() != null) {
			log.warn("The election for Lease {} did not step down within {}; revoking the work now", this.api.describe(),
					leaveTimeout());
			this.steps.stepDown(StepDownReason.ABANDONED);
		}
		this.events.stop();
	}

	/** Closes the election's own client; after {@link #stop()}. */
	public void close() {
		this.api.close();
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

}
