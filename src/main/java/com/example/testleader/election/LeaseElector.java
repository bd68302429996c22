package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
 * that request was sent. Every API call is cut off by then ({@link LeaseApi},
 * {@link Cadence}), so a hung or retried request cannot delay the step-down.</li>
 * <li>Another replica takes the Lease only a full lease duration after it last saw the
 * record change ({@link Observation}), which is later than this replica's renew deadline;
 * the difference ({@link LeaderElectionProperties#stopMargin()}) is the time the work has
 * to stop.</li>
 * <li>On a graceful step-down (leaving the election, shutdown, {@code yield()}) the work
 * is revoked and has stopped before the Lease is released.</li>
 * <li>Listeners run on their own thread ({@link LeaderEvents}) and cannot delay renewals.
 * Failures are logged and retried with backoff; the loop ({@link ElectionLoop}) never
 * stops on its own.</li>
 * </ul>
 * <p>
 * It watches the Lease, so a release is acted on at once and any change by someone else
 * is checked at once; polling fills in whenever the watch is quiet.
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

	private final TermWrites writes;

	private final LeaderEvents events;

	private final ElectionObserver observer;

	private final Clock clock;

	private final Ticker ticker;

	private final ElectionLoop loop;

	private volatile SharedIndexInformer<Lease> watch;

	private volatile boolean running;

	// Written on the loop only; volatile for readers on other threads.
	private volatile Term term;

	private volatile Observation observation = Observation.initial();

	private volatile boolean competing;

	// Confined to the loop.
	private long competeAfterNanos;

	private int failures;

	LeaseElector(LeaseApi api, String identity, LeaderElectionProperties timings, LeaderEvents events,
			ElectionObserver observer, Clock clock, Ticker ticker) {
		this.api = api;
		this.identity = identity;
		this.timings = timings;
		this.cadence = new Cadence(timings);
		this.writes = new TermWrites(api, identity, timings.leaseDuration(), clock);
		this.events = events;
		this.observer = observer;
		this.clock = clock;
		this.ticker = ticker;
		this.loop = new ElectionLoop(api.describe(), ticker);
	}

	/** Starts competing for the Lease (again), if not already. */
	public void join() {
		this.loop.execute(() -> {
			if (!this.competing) {
				this.competing = true;
				this.competeAfterNanos = this.ticker.nanoTime();
				log.info("Joining the election for Lease {} as {}", this.api.describe(), this.identity);
				this.loop.schedule(this::step, 0);
			}
		});
	}

	/**
	 * Stops competing; if leading, revokes the work, waits for it to stop and releases the
	 * Lease. Completes when that is done.
	 */
	public CompletableFuture<Void> leave() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		boolean queued = this.loop.execute(() -> {
			try {
				this.competing = false;
				this.loop.cancel();
				if (this.term != null) {
					stepDown(StepDownReason.RELEASED);
				}
			}
			finally {
				done.complete(null);
			}
		});
		if (!queued) {
			done.complete(null);
		}
		return done;
	}

	/**
	 * Hands leadership over if this replica leads: as {@link LeaseContext#yield()}.
	 * @return whether it was leading
	 */
	public boolean yieldLeadership() {
		Term current = this.term;
		if (current == null || !isValid(current)) {
			return false;
		}
		this.yield(current.context());
		return true;
	}

	@Override
	public void yield(LeaseContext context) {
		this.loop.execute(() -> {
			Term current = this.term;
			if (current != null && current.context() == context) {
				stepDown(StepDownReason.YIELDED);
				// keep watching, but leave the Lease to the others for a while
				this.competeAfterNanos = this.ticker.nanoTime() + this.cadence.yieldPauseNanos();
				this.loop.schedule(this::step, this.cadence.jitteredRetryNanos());
			}
		});
	}

	/** What this replica believes right now; never calls the API server. */
	public Leadership leadership() {
		Term current = this.term;
		Observation seen = this.observation;
		boolean leading = current != null && isValid(current);
		LeaseRecord record = seen.record();
		long now = this.ticker.nanoTime();
		Duration renewalAge = leading ? Duration.ofNanos(now - current.renewedAtNanos())
				: seen.seenAnything() ? Duration.ofNanos(now - seen.observedAtNanos()) : null;
		return new Leadership(this.identity, this.api.namespace(), this.api.name(), leading, seen.holder(),
				leading ? current.context().fencingToken() : null, leading ? current.renewedAt() : null,
				seen.observedAt(), (record != null) ? record.transitions() : null,
				(record != null) ? record.acquireTime() : null, (record != null) ? record.renewTime() : null,
				(record != null) ? record.leaseDuration().map((d) -> (int) d.toSeconds()).orElse(null) : null,
				renewalAge);
	}

	/**
	 * How long the loop has gone without finishing a step while competing; empty while it
	 * is not competing (not ready yet, or stopped).
	 */
	public Optional<Duration> sinceLastStep() {
		return (this.running && this.competing) ? Optional.of(this.loop.sinceProgress()) : Optional.empty();
	}

	/** Whether the loop is dead or stuck: no step for {@link Cadence#stallThreshold()}. */
	public boolean isStalled() {
		return sinceLastStep().map((since) -> since.compareTo(this.cadence.stallThreshold()) > 0).orElse(false);
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

	private boolean isValid(Term current) {
		return current.context().isLeader();
	}

	private void step() {
		long next = this.cadence.retryNanos();
		try {
			next = (this.term != null) ? renew() : acquire();
		}
		catch (RuntimeException ex) {
			next = (this.term != null) ? renewalFailed(ex) : acquisitionFailed(ex);
		}
		finally {
			if (this.competing || this.term != null) {
				this.loop.schedule(this::step, next);
			}
		}
	}

	/**
	 * A version of the Lease seen by the watch ({@code deleted}: its last version before a
	 * deletion). Followers take it as an observation, so a release is acted on at once and
	 * a renewal postpones the next poll. The leader ignores its own writes and checks any
	 * other change at once.
	 */
	private void watched(LeaseRecord seen, boolean deleted) {
		this.loop.execute(() -> {
			if ((!this.competing && this.term == null) || isOlderThanObserved(seen)) {
				return;
			}
			Term current = this.term;
			if (current != null) {
				if (deleted || !seen.resourceVersion().equals(current.written().resourceVersion())) {
					this.loop.schedule(this::step, 0);
				}
				return;
			}
			LeaseRecord latest = deleted ? null : seen;
			long now = this.ticker.nanoTime();
			see(latest, now);
			long next;
			try {
				next = tryTake(Optional.ofNullable(latest), now);
			}
			catch (RuntimeException ex) {
				next = acquisitionFailed(ex);
			}
			this.loop.schedule(this::step, next);
		});
	}

	/**
	 * Whether a watched version is older than the one last observed (a poll can overtake
	 * the watch). resourceVersions are opaque in general; where both are numbers (as etcd's
	 * revisions are) they are compared, otherwise the version is taken as new.
	 */
	private boolean isOlderThanObserved(LeaseRecord seen) {
		LeaseRecord observed = this.observation.record();
		if (observed == null) {
			return false;
		}
		try {
			return Long.parseLong(seen.resourceVersion()) < Long.parseLong(observed.resourceVersion());
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private long acquire() {
		if (!this.competing) {
			return 0;
		}
		Optional<LeaseRecord> current = this.api.get(this.cadence.callTimeout());
		long now = this.ticker.nanoTime();
		see(current.orElse(null), now);
		recovered();
		return tryTake(current, now);
	}

	/**
	 * Takes the Lease if this replica may, over {@code current} (as just read or watched);
	 * otherwise returns when to look again.
	 */
	private long tryTake(Optional<LeaseRecord> current, long now) {
		long wait = Math.max(this.observation.nanosUntilAcquirable(now, this.identity), this.competeAfterNanos - now);
		if (wait > 0) {
			log.debug("Lease {} is held by {}; may take it in {} ms", this.api.describe(), this.observation.holder(),
					TimeUnit.NANOSECONDS.toMillis(wait));
			return Math.min(this.cadence.jitteredRetryNanos(), wait);
		}
		long sentAt = this.ticker.nanoTime();
		LeaseRecord written;
		try {
			written = this.writes.take(current, this.observation.nextTransitions(), this.cadence.callTimeout());
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409 && ex.getCode() != 404) {
				throw ex;
			}
			// Another replica wrote first: see what it wrote, so that its term is waited out
			// from now, not from an older observation.
			log.debug("Lease {} changed before this replica could take it", this.api.describe());
			see(this.api.get(this.cadence.callTimeout()).orElse(null), this.ticker.nanoTime());
			return this.cadence.jitteredRetryNanos();
		}
		becomeLeader(written, sentAt);
		return this.cadence.retryNanos();
	}

	private void becomeLeader(LeaseRecord written, long sentAt) {
		LeaderTerm leaderTerm = new LeaderTerm(this.identity, this.api.name(), written.transitions(),
				this.clock.instant());
		TermValidity validity = new TermValidity(this.ticker, sentAt + this.cadence.renewDeadlineNanos());
		LeaseContext context = new LeaseContext(this, leaderTerm, validity);
		this.term = new Term(context, validity, written, sentAt, this.clock.instant(), false);
		see(written, sentAt);
		log.info("Became leader of Lease {} as {} with fencing token {}", this.api.describe(), this.identity,
				leaderTerm.fencingToken());
		this.observer.acquired(leaderTerm);
		this.events.granted(this, context);
	}

	private long renew() {
		Term current = this.term;
		long now = this.ticker.nanoTime();
		long left = deadline(current) - now;
		if (left <= 0) {
			stepDown(current.renewalFailed() ? StepDownReason.RENEW_DEADLINE : StepDownReason.EXPIRED);
			return 0;
		}
		LeaseRecord written = this.writes.renew(current.written(), current.context().fencingToken(),
				this.cadence.callTimeout(left), (seen) -> see(seen, this.ticker.nanoTime()));
		current.validity().extend(now + this.cadence.renewDeadlineNanos());
		this.term = new Term(current.context(), current.validity(), written, now, this.clock.instant(), false);
		this.observer.renewal(ElectionObserver.RenewalOutcome.SUCCESS);
		see(written, now);
		recovered();
		log.debug("Renewed Lease {} (fencing token {})", this.api.describe(), current.context().fencingToken());
		return this.cadence.retryNanos();
	}

	private long renewalFailed(RuntimeException failure) {
		Term current = this.term;
		if (failure instanceof LeaseLostException lost) {
			this.observer.renewal(ElectionObserver.RenewalOutcome.CONFLICT);
			stepDown(lost.reason());
			return 0;
		}
		this.observer.renewal((failure instanceof LeaseApi.LeaseApiTimeoutException)
				? ElectionObserver.RenewalOutcome.TIMEOUT : ElectionObserver.RenewalOutcome.ERROR);
		this.term = new Term(current.context(), current.validity(), current.written(), current.renewedAtNanos(),
				current.renewedAt(), true);
		this.failures++;
		long left = deadline(current) - this.ticker.nanoTime();
		if (left <= 0) {
			log.warn("Could not renew Lease {}: {}", this.api.describe(), describe(failure));
			stepDown(StepDownReason.RENEW_DEADLINE);
			return 0;
		}
		log.warn("Could not renew Lease {} ({} ms before the renew deadline): {}", this.api.describe(),
				TimeUnit.NANOSECONDS.toMillis(left), describe(failure));
		return Math.min(this.cadence.retryNanos(), left);
	}

	private long acquisitionFailed(RuntimeException failure) {
		this.failures++;
		long backoff = this.cadence.backoffNanos(this.failures);
		if (Integer.bitCount(this.failures) == 1) {
			log.warn("Could not reach Lease {} ({} failures in a row), retrying in {} ms: {}", this.api.describe(),
					this.failures, TimeUnit.NANOSECONDS.toMillis(backoff), describe(failure));
		}
		log.debug("Election step for Lease {} failed", this.api.describe(), failure);
		return backoff;
	}

	private void recovered() {
		if (this.failures > 0) {
			log.info("Reached Lease {} again after {} failed attempts", this.api.describe(), this.failures);
			this.failures = 0;
		}
	}

	private void stepDown(StepDownReason reason) {
		Term ended = this.term;
		this.term = null;
		ended.validity().end();
		log.info("Stopped leading Lease {} (fencing token {}): {}", this.api.describe(),
				ended.context().fencingToken(), reason);
		this.observer.lost(ended.context().term(), reason);
		CompletableFuture<Void> revoked = this.events.revoked(this, ended.context());
		if (reason.graceful() && awaitRevocation(revoked)) {
			release(ended);
		}
		else if (reason == StepDownReason.DELETED && awaitRevocation(revoked)) {
			recreateReleased(ended);
		}
	}

	private boolean awaitRevocation(CompletableFuture<Void> revoked) {
		Duration margin = this.timings.stopMargin();
		try {
			revoked.get(margin.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			log.warn("Not releasing Lease {}: the work was still stopping {} after its revocation; the Lease will "
					+ "expire on its own", this.api.describe(), margin);
		}
		catch (ExecutionException ex) {
			log.warn("Not releasing Lease {}: a revocation listener failed, so the work may still run; the Lease "
					+ "will expire on its own", this.api.describe());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return false;
	}

	private void release(Term ended) {
		try {
			LeaseRecord released = this.writes.release(ended.written(), ended.context().fencingToken(),
					this.timings.retryPeriod(), (seen) -> see(seen, this.ticker.nanoTime()));
			see(released, this.ticker.nanoTime());
			log.info("Released Lease {}", this.api.describe());
		}
		catch (LeaseLostException ex) {
			log.info("Lease {} was no longer this replica's to release ({})", this.api.describe(), ex.reason());
		}
		catch (RuntimeException ex) {
			log.warn("Could not release Lease {}; other replicas take it over once it expires: {}",
					this.api.describe(), describe(ex));
		}
	}

	/**
	 * After the Lease was deleted under this leader, and its work has stopped: creates the
	 * Lease again, released, so that the others take it at once rather than waiting out
	 * the deletion for a lease duration. If anyone created it first, there is nothing to do.
	 */
	private void recreateReleased(Term ended) {
		try {
			LeaseRecord released = this.writes.recreateReleased(ended.context().fencingToken(),
					this.timings.retryPeriod());
			see(released, this.ticker.nanoTime());
			log.info("Created Lease {} again, released, after it was deleted", this.api.describe());
		}
		catch (RuntimeException ex) {
			log.info("Did not create Lease {} again ({}); the others take over once the deletion is waited out",
					this.api.describe(), describe(ex));
		}
	}

	/** Takes {@code seen} (null: no Lease) as what this replica now knows of the Lease. */
	private void see(LeaseRecord seen, long nowNanos) {
		Observation before = this.observation;
		Observation after = before.next(seen, nowNanos, this.clock.instant(), this.timings.leaseDuration());
		if (after == before) {
			return;
		}
		this.observation = after;
		if (seen != null && seen.malformed()) {
			log.warn("Lease {} names holder {} without a valid leaseDurationSeconds; judging its expiry by {}",
					this.api.describe(), seen.holder(), this.timings.leaseDuration());
		}
		if (!Objects.equals(before.holder(), after.holder())) {
			long token = (after.record() != null) ? after.record().transitions() : after.lastTransitions();
			this.events.leaderChanged(new LeaderChanged(this.api.name(), after.holder(), token, this.identity));
		}
	}

	private long deadline(Term current) {
		return current.renewedAtNanos() + this.cadence.renewDeadlineNanos();
	}

	private static String describe(Throwable failure) {
		return failure.getClass().getSimpleName() + ": " + failure.getMessage();
	}

	@Override
	public void start() {
		this.events.start();
		this.loop.start();
		this.watch = this.api.watch((seen) -> watched(seen, false), (last) -> watched(last, true));
		this.running = true;
		this.loop.execute(this.api::prepareWrites);
	}

	@Override
	public void stop() {
		leave().completeOnTimeout(null, leaveTimeout().toMillis(), TimeUnit.MILLISECONDS).join();
		shutDown();
	}

	@Override
	public void stop(Runnable callback) {
		leave().completeOnTimeout(null, leaveTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, failure) -> {
				shutDown();
				callback.run();
			});
	}

	private void shutDown() {
		this.running = false;
		SharedIndexInformer<Lease> currentWatch = this.watch;
		if (currentWatch != null) {
			currentWatch.stop();
		}
		this.loop.stop();
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

	/** One term as this process holds it: what it last wrote, and when it sent that. */
	private record Term(LeaseContext context, TermValidity validity, LeaseRecord written, long renewedAtNanos,
			Instant renewedAt, boolean renewalFailed) {
	}

}
