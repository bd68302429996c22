package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
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
 * <b>What it guarantees</b> (with the clocks of all replicas running at the same rate):
 * <ul>
 * <li>It leads only after a write of its own succeeded, and only until the renew deadline
 * after the last successful renewal, measured on its monotonic {@link Ticker} from when
 * that request was sent. Each renewal attempt, however many calls it makes, ends by that
 * deadline ({@link Deadline}), and a renewal answered after it is refused: once a term
 * has lapsed it never comes back ({@link TermValidity}).</li>
 * <li>Another replica takes the Lease only a full lease duration after it last saw the
 * record change ({@link Observation}), which is later than this replica's renew deadline;
 * the difference ({@link LeaderElectionProperties#stopMargin()}) is the time the work has
 * to stop. Sooner only on the kubelet's proof that the holder's process is gone
 * ({@link ProcessGone}).</li>
 * <li>On a graceful step-down (leaving the election, shutdown, {@code yield()}) the work
 * is revoked and has stopped before the Lease is released.</li>
 * <li>Listeners run on their own threads ({@link LeaderEvents}) and cannot delay renewals.
 * Failures are logged and retried with backoff;
 * the loop ({@link ElectionLoop}) never stops on its own. Stopping never loses a
 * revocation: a term still held when the loop is shut down is revoked by the stopping
 * thread.</li>
 * </ul>
 * <p>
 * It watches the Lease, so a release is acted on at once and any change by someone else
 * is checked at once; polling fills in whenever the watch is quiet.
 * <p>
 * This class is the election's one thread and its public face; each part of the timeline
 * has a class of its own: {@link Acquisition} (a follower takes the Lease),
 * {@link TermKeeping} (the leader renews), {@link TermEnding} (revoke, wait, release),
 * {@link KnownLease} with {@link Observation} and {@link ProcessGone} (judging expiry and
 * proof).
 * <p>
 * <b>What it cannot guarantee</b>: a process paused (GC, SIGSTOP) between checking
 * {@link LeaseContext#isLeader()} and acting may act after its lease is gone. Downstream
 * systems should check the {@link LeaderTerm#fencingToken() fencing token}.
 */
public final class LeaseElector implements SmartLifecycle, Terms {

	private static final Logger log = LoggerFactory.getLogger(LeaseElector.class);

	private final LeaseApi api;

	private final String identity;

	private final LeaderElectionProperties timings;

	private final Cadence cadence;

	private final Ticker ticker;

	private final LeaderEvents events;

	private final EarlyTakeover early;

	private final ElectionLoop loop;

	// The parts of the timeline, each run on the loop.
	private final KnownLease known;

	private final Acquisition acquisition;

	private final TermKeeping keeping;

	private final TermEnding ending;

	private final Failures failures;

	private final AtomicReference<HeldTerm> term = new AtomicReference<>();

	// Confined to the loop.
	private final TermOffer offer = new TermOffer();

	private volatile SharedIndexInformer<Lease> watch;

	private volatile boolean running;

	/** Whether the application wants this replica to compete ({@link #join()} / {@link #leave()}). */
	private volatile boolean joinRequested;

	// Written on the loop only; volatile for readers on other threads.
	private volatile boolean competing;

	// Confined to the loop.
	private long competeAfterNanos;

	LeaseElector(LeaseApi api, String identity, LeaderElectionProperties timings, LeaderEvents events,
			ElectionObserver observer, Clock clock, Ticker ticker, EarlyTakeover early, RunningWork work) {
		this.api = api;
		this.identity = identity;
		this.timings = timings;
		this.cadence = new Cadence(timings);
		this.ticker = ticker;
		this.events = events;
		this.early = early;
		this.loop = new ElectionLoop(api.describe(), ticker);
		TermWrites writes = new TermWrites(api, identity, timings.leaseDuration(), clock, ticker, early.here());
		this.known = new KnownLease(api, identity, timings, clock, events);
		this.acquisition = new Acquisition(api, identity, writes, this.cadence, this.known, early, events, observer,
				clock, ticker);
		this.keeping = new TermKeeping(api, writes, this.cadence, this.known, observer, clock, ticker);
		this.ending = new TermEnding(api, writes, this.cadence, events, observer, ticker, this.known, work);
		this.failures = new Failures(api, this.cadence);
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
		if (this.joinRequested && !this.competing) {
			this.competing = true;
			this.competeAfterNanos = this.ticker.nanoTime();
			log.info("Joining the election for Lease {} as {}", this.api.describe(), this.identity);
			this.loop.schedule(this::step, 0);
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
		this.joinRequested = false;
		return onLoop(() -> this.joinRequested ? Handover.NOT_LEADING : leaveNow(handTo));
	}

	/** Leaves whatever the application wants: the elector is stopping. */
	private CompletableFuture<Handover> stepOut(String handTo) {
		return onLoop(() -> leaveNow(handTo));
	}

	private Handover leaveNow(String handTo) {
		this.competing = false;
		this.loop.cancel();
		return stepDown(StepDownReason.RELEASED, handTo);
	}

	/**
	 * Hands leadership over if this replica leads: as {@link LeaseContext#yield()}. The
	 * answer is what actually happened once the loop carried it out, not what this replica
	 * believed when asked.
	 */
	public CompletableFuture<Handover> yieldLeadership() {
		return yieldIf((current) -> true);
	}

	@Override
	public void yield(LeaseContext context) {
		yieldIf((current) -> current.context() == context);
	}

	private CompletableFuture<Handover> yieldIf(Predicate<HeldTerm> which) {
		return onLoop(() -> {
			HeldTerm current = this.term.get();
			if (current == null || !which.test(current) || !current.validity().isValid()) {
				return Handover.NOT_LEADING;
			}
			Handover outcome = stepDown(StepDownReason.YIELDED);
			// keep watching, but leave the Lease to the others for a while
			this.competeAfterNanos = this.ticker.nanoTime() + this.cadence.yieldPauseNanos();
			this.loop.schedule(this::step, this.cadence.jitteredRetryNanos());
			return outcome;
		});
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
		return this.loop.<CompletableFuture<Handover>>call(() -> {
			HeldTerm current = this.term.get();
			if (current == null || !current.validity().isValid()) {
				return CompletableFuture.completedFuture(Handover.NOT_LEADING);
			}
			CompletableFuture<Handover> answer = new CompletableFuture<>();
			this.offer.make(to, this.ticker.nanoTime() + this.cadence.offerTimeoutNanos(), answer);
			this.loop.schedule(this::step, 0);
			return answer;
		}, null).thenCompose((answer) -> (answer != null) ? answer
				: CompletableFuture.completedFuture(Handover.NOT_LEADING));
	}

	/**
	 * The offer of this term was accepted: hand the Lease to the replica that accepted it,
	 * and leave it to that replica for the handover grace. On the loop; the caller
	 * schedules the next step.
	 */
	private void handOver() {
		String to = this.offer.to();
		stepDown(StepDownReason.HANDED_OVER, to);
		this.competeAfterNanos = this.ticker.nanoTime() + this.cadence.handoverGrace().toNanos();
	}

	private CompletableFuture<Handover> onLoop(Supplier<Handover> action) {
		return this.loop.call(action, Handover.NOT_LEADING);
	}

	/** What this replica believes right now; never calls the API server. */
	public Leadership leadership() {
		HeldTerm current = this.term.get();
		Observation seen = this.known.observation();
		boolean leading = current != null && current.validity().isValid();
		LeaseRecord record = seen.record();
		long now = this.ticker.nanoTime();
		Duration renewalAge = leading ? Duration.ofNanos(now - current.renewedAtNanos())
				: seen.seenAnything() ? Duration.ofNanos(now - seen.observedAtNanos()) : null;
		return new Leadership(this.identity, this.api.namespace(), this.api.name(), leading,
				this.running && this.competing, seen.holder(), leading ? current.context().fencingToken() : null,
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
		HeldTerm current = this.term.get();
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
	 * Tells {@code listener} whenever the holding of the Lease changes as this replica sees it (on the
	 * election's thread: it must return at once). Set before {@link #start()}.
	 */
	public void onChange(Runnable listener) {
		this.known.onChange(listener);
	}

	/** Whether this replica takes part in the election: started, joined, and not leaving. */
	public boolean competes() {
		return this.running && this.competing;
	}

	/** The Lease's name: the role. */
	public String role() {
		return this.api.name();
	}

	/**
	 * How long the loop has gone without finishing a step while competing; empty while it
	 * is not competing (not ready yet, or stopped).
	 */
	public Optional<Duration> sinceLastStep() {
		return (this.running && this.competing) ? Optional.of(this.loop.sinceProgress()) : Optional.empty();
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

	public LeaderElectionProperties timings() {
		return this.timings;
	}

	/** The longest a graceful leave takes; the lifecycle waits no longer. */
	public Duration leaveTimeout() {
		return this.cadence.leaveTimeout();
	}

	private void step() {
		long next = this.cadence.retryNanos();
		HeldTerm current = this.term.get();
		try {
			if (current != null) {
				this.offer.expireIfDue(this.ticker.nanoTime());
				next = this.keeping.renew(this.term, current, this.offer.to(), this.failures, this::stepDown);
				HeldTerm renewed = this.term.get();
				if (renewed != null && this.offer.acceptedIn(renewed.written(), this.identity,
						renewed.context().fencingToken())) {
					handOver();
					next = this.cadence.jitteredRetryNanos();
				}
			}
			else {
				next = acquire();
			}
		}
		catch (RuntimeException ex) {
			next = (current != null)
					? this.keeping.renewalFailed(this.term, current, ex, this.failures, this::stepDown)
					: this.failures.acquisitionFailed(ex);
		}
		finally {
			if (this.competing || this.term.get() != null) {
				this.loop.schedule(this::step, next);
			}
		}
	}

	/**
	 * A version of the Lease seen by the watch ({@code deleted}: its last version before a
	 * deletion). Followers take it as an observation, so a release is acted on at once and
	 * a renewal postpones the next poll. The leader ignores its own writes and checks any
	 * other change at once. Versions older than one already read are skipped
	 * ({@link WatchOrder}).
	 */
	private void watched(LeaseRecord seen, boolean deleted) {
		this.loop.execute(() -> {
			if ((!this.competing && this.term.get() == null)
					|| !this.known.isNews(seen, this.ticker.nanoTime())) {
				return;
			}
			HeldTerm current = this.term.get();
			if (current != null) {
				if (!deleted && this.offer.acceptedIn(seen, this.identity, current.context().fencingToken())) {
					handOver();
					this.loop.schedule(this::step, this.cadence.jitteredRetryNanos());
				}
				else if (deleted || !seen.resourceVersion().equals(current.written().resourceVersion())) {
					this.loop.schedule(this::step, 0);
				}
				return;
			}
			LeaseRecord latest = deleted ? null : seen;
			this.known.see(latest, this.ticker.nanoTime());
			takeNow(Optional.ofNullable(latest));
		});
	}

	private long acquire() {
		return this.competing ? this.acquisition.acquire(this, this.term, this.competeAfterNanos, this.failures) : 0;
	}

	/**
	 * What the kubelet reports of the pods changed: a follower checks at once whether it
	 * now proves the holder gone ({@link ProcessGone}). No request unless it does.
	 */
	private void podsChanged() {
		this.loop.execute(() -> {
			if (this.term.get() != null || !this.competing || !this.acquisition.holderProvenGone()) {
				return;
			}
			takeNow(Optional.ofNullable(this.known.observation().record()));
		});
	}

	/** Takes the Lease now if this replica may, over {@code latest}; schedules the next step. */
	private void takeNow(Optional<LeaseRecord> latest) {
		long next;
		try {
			next = this.acquisition.tryTake(this, this.term, latest, this.ticker.nanoTime(), this.competeAfterNanos,
					this.cadence.attempt(this.ticker));
		}
		catch (RuntimeException ex) {
			next = this.failures.acquisitionFailed(ex);
		}
		this.loop.schedule(this::step, next);
	}

	/**
	 * Ends the current term, if any: at once for {@link LeaseContext#isLeader()}, then
	 * as {@link TermEnding} says. Called on the loop, or by the stopping thread once the
	 * loop is gone: whoever takes the term ends it.
	 */
	private Handover stepDown(StepDownReason reason) {
		return stepDown(reason, null);
	}

	private Handover stepDown(StepDownReason reason, String handTo) {
		HeldTerm ended = this.term.getAndSet(null);
		Handover outcome = Handover.NOT_RELEASED;
		try {
			outcome = (ended != null) ? this.ending.end(this, ended, reason, handTo) : Handover.NOT_LEADING;
			return outcome;
		}
		finally {
			// an offer's answer is never left waiting, even if the step-down failed
			this.offer.end((reason == StepDownReason.HANDED_OVER) ? outcome : Handover.NOT_LEADING);
		}
	}

	@Override
	public void start() {
		this.events.start();
		this.loop.start();
		this.watch = this.api.watch((seen) -> watched(seen, false), (last) -> watched(last, true));
		this.early.start(this.api.describe(), this::podsChanged);
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
		stepOut(null).completeOnTimeout(null, leaveTimeout().toMillis(), TimeUnit.MILLISECONDS).join();
		shutDown();
	}

	@Override
	public void stop(Runnable callback) {
		stop(null, callback);
	}

	/** As {@link #stop(Runnable)}, handing the Lease to the replica {@code handTo} (see {@link #leave(String)}). */
	public void stop(String handTo, Runnable callback) {
		stepOut(handTo).completeOnTimeout(null, leaveTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenCompleteAsync((result, failure) -> {
				shutDown();
				callback.run();
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
		if (this.term.get() != null) {
			log.warn("The election for Lease {} did not step down within {}; revoking the work now", this.api.describe(),
					leaveTimeout());
			stepDown(StepDownReason.ABANDONED);
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
