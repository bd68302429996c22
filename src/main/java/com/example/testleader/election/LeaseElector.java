package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
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
 * that request was sent. Every API call is cut off by then ({@link LeaseApi}), so a hung
 * or retried request cannot delay the step-down.</li>
 * <li>Another replica takes the Lease only a full lease duration after it last saw the
 * record change ({@link Observation}), which is later than this replica's renew deadline;
 * the difference ({@link LeaderElectionProperties#stopMargin()}) is the time the work has
 * to stop.</li>
 * <li>On a graceful step-down (leaving the election, shutdown, {@code yield()}) the work
 * is revoked and has stopped before the Lease is released.</li>
 * <li>Listeners run on their own thread ({@link LeaderEvents}) and cannot delay renewals.
 * Failures of the loop are logged and retried with backoff; the loop never stops on its
 * own.</li>
 * </ul>
 * <p>
 * <b>What it cannot guarantee</b>: a process paused (GC, SIGSTOP) between checking
 * {@link LeaseContext#isLeader()} and acting may act after its lease is gone. Downstream
 * systems should check the {@link LeaderTerm#fencingToken() fencing token}.
 */
public final class LeaseElector implements SmartLifecycle, Terms {

	private static final Logger log = LoggerFactory.getLogger(LeaseElector.class);

	private static final double JITTER = 1.2;

	private final LeaseApi api;

	private final String identity;

	private final LeaderElectionProperties timings;

	private final LeaderEvents events;

	private final ElectionObserver observer;

	private final Clock clock;

	private final Ticker ticker;

	private volatile ScheduledExecutorService loop;

	private volatile SharedIndexInformer<Lease> watch;

	private volatile boolean running;

	// Written on the loop thread only; volatile for readers on other threads.
	private volatile Term term;

	private volatile Observation observation = Observation.initial();

	private volatile long lastProgressNanos;

	private volatile boolean competing;

	// Confined to the loop thread.

	private long competeAfterNanos;

	private int failures;

	private ScheduledFuture<?> nextTick;

	LeaseElector(LeaseApi api, String identity, LeaderElectionProperties timings, LeaderEvents events,
			ElectionObserver observer, Clock clock, Ticker ticker) {
		this.api = api;
		this.identity = identity;
		this.timings = timings;
		this.events = events;
		this.observer = observer;
		this.clock = clock;
		this.ticker = ticker;
	}

	/** Starts competing for the Lease (again), if not already. */
	public void join() {
		execute(() -> {
			if (!this.competing) {
				this.competing = true;
				this.competeAfterNanos = this.ticker.nanoTime();
				this.lastProgressNanos = this.competeAfterNanos;
				log.info("Joining the election for Lease {} as {}", this.api.describe(), this.identity);
				schedule(0);
			}
		});
	}

	/**
	 * Stops competing; if leading, revokes the work, waits for it to stop and releases the
	 * Lease. Completes when that is done.
	 */
	public CompletableFuture<Void> leave() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		boolean queued = execute(() -> {
			try {
				this.competing = false;
				cancelTick();
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
		if (!this.running || !this.competing) {
			return Optional.empty();
		}
		return Optional.of(Duration.ofNanos(this.ticker.nanoTime() - this.lastProgressNanos));
	}

	/**
	 * Whether the loop is dead or stuck. Steps follow each other at most one lease
	 * duration apart (the longest backoff, or sitting out after a yield) and one takes at
	 * most two renew deadlines (its bounded calls), so a longer silence means no step is
	 * coming.
	 */
	public boolean isStalled() {
		Duration threshold = this.timings.leaseDuration().plus(this.timings.renewDeadline().multipliedBy(2));
		return sinceLastStep().map((since) -> since.compareTo(threshold) > 0).orElse(false);
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

	public String identity() {
		return this.identity;
	}

	public LeaderElectionProperties timings() {
		return this.timings;
	}

	@Override
	public boolean isLeading(LeaseContext context) {
		Term current = this.term;
		return current != null && current.context() == context && isValid(current);
	}

	@Override
	public void yield(LeaseContext context) {
		execute(() -> {
			Term current = this.term;
			if (current != null && current.context() == context) {
				stepDown(StepDownReason.YIELDED);
				// Sit out one lease duration, so that polling followers get their turn.
				this.competeAfterNanos = this.ticker.nanoTime() + this.timings.leaseDuration().toNanos();
				schedule(jitteredRetry());
			}
		});
	}

	/**
	 * A version of the Lease seen by the watch ({@code deleted}: its last version before a
	 * deletion). Followers take it as an observation, so a release is acted on at once and
	 * a renewal postpones the next poll: polling only fills in while the watch is quiet.
	 * The leader ignores its own writes and checks any other change at once.
	 */
	private void watched(LeaseRecord seen, boolean deleted) {
		execute(() -> {
			if ((!this.competing && this.term == null) || isOlderThanObserved(seen)) {
				return;
			}
			Term current = this.term;
			if (current != null) {
				if (deleted || !seen.resourceVersion().equals(current.written().resourceVersion())) {
					schedule(0);
				}
				return;
			}
			long now = this.ticker.nanoTime();
			see(deleted ? null : seen, now);
			long wait = Math.max(this.observation.nanosUntilAcquirable(now, this.identity),
					this.competeAfterNanos - now);
			schedule(Math.min(jitteredRetry(), wait));
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

	private boolean isValid(Term current) {
		return this.ticker.nanoTime() - current.renewedAtNanos() < this.timings.renewDeadline().toNanos();
	}

	private void tick() {
		this.nextTick = null;
		long delay = this.timings.retryPeriod().toNanos();
		try {
			delay = step();
		}
		catch (Throwable ex) {
			log.error("Election step for Lease {} failed unexpectedly; retrying", this.api.describe(), ex);
		}
		finally {
			this.lastProgressNanos = this.ticker.nanoTime();
			if (this.competing || this.term != null) {
				schedule(delay);
			}
		}
	}

	private long step() {
		try {
			return (this.term != null) ? renew() : acquire();
		}
		catch (RuntimeException ex) {
			return (this.term != null) ? renewalFailed(ex) : acquisitionFailed(ex);
		}
	}

	private long acquire() {
		long now = this.ticker.nanoTime();
		if (!this.competing) {
			return 0;
		}
		Optional<LeaseRecord> current = this.api.get(followerCallTimeout());
		now = this.ticker.nanoTime();
		see(current.orElse(null), now);
		recovered();
		// after a yield it keeps watching the Lease, but leaves it to the others for a while
		long wait = Math.max(this.observation.nanosUntilAcquirable(now, this.identity), this.competeAfterNanos - now);
		if (wait > 0) {
			log.debug("Lease {} is held by {}; may take it in {} ms", this.api.describe(), this.observation.holder(),
					TimeUnit.NANOSECONDS.toMillis(wait));
			return Math.min(jitteredRetry(), wait);
		}
		int token = this.observation.nextTransitions();
		long sentAt = this.ticker.nanoTime();
		LeaseRecord written;
		try {
			written = current.isPresent()
					? this.api.update(current.get().acquiredBy(this.identity, leaseDuration(), now(), token),
							followerCallTimeout())
					: this.api.create(LeaseRecord.created(this.api.namespace(), this.api.name(), this.identity,
							leaseDuration(), now(), token), followerCallTimeout());
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() != 409 && ex.getCode() != 404) {
				throw ex;
			}
			// Another replica wrote first: see what it wrote, so that its term is waited out
			// from now, not from an older observation.
			log.debug("Lease {} changed before this replica could take it", this.api.describe());
			see(this.api.get(followerCallTimeout()).orElse(null), this.ticker.nanoTime());
			return jitteredRetry();
		}
		becomeLeader(written, sentAt);
		return this.timings.retryPeriod().toNanos();
	}

	private void becomeLeader(LeaseRecord written, long sentAt) {
		LeaderTerm leaderTerm = new LeaderTerm(this.identity, this.api.name(), written.transitions(),
				this.clock.instant());
		LeaseContext context = new LeaseContext(this, leaderTerm);
		this.term = new Term(context, written, sentAt, this.clock.instant(), false);
		see(written, sentAt);
		log.info("Became leader of Lease {} as {} with fencing token {}", this.api.describe(), this.identity,
				leaderTerm.fencingToken());
		this.observer.acquired(leaderTerm);
		this.events.granted(this, context);
	}

	private long renew() {
		Term current = this.term;
		long now = this.ticker.nanoTime();
		if (deadline(current) - now <= 0) {
			stepDown(current.renewalFailed() ? StepDownReason.RENEW_DEADLINE : StepDownReason.EXPIRED);
			return 0;
		}
		LeaseRecord written = updateOwnTerm(current, (record) -> record.renewedAt(leaseDuration(), now()),
				leaderCallTimeout(current));
		this.term = new Term(current.context(), written, now, this.clock.instant(), false);
		this.observer.renewal(ElectionObserver.RenewalOutcome.SUCCESS);
		see(written, now);
		recovered();
		log.debug("Renewed Lease {} (fencing token {})", this.api.describe(), current.context().fencingToken());
		return this.timings.retryPeriod().toNanos();
	}

	private long renewalFailed(RuntimeException failure) {
		Term current = this.term;
		if (failure instanceof LeaseLostException lost) {
			this.observer.renewal(ElectionObserver.RenewalOutcome.CONFLICT);
			stepDown(lost.reason);
			return 0;
		}
		this.observer.renewal((failure instanceof LeaseApi.LeaseApiTimeoutException)
				? ElectionObserver.RenewalOutcome.TIMEOUT : ElectionObserver.RenewalOutcome.ERROR);
		this.term = new Term(current.context(), current.written(), current.renewedAtNanos(), current.renewedAt(),
				true);
		this.failures++;
		long left = deadline(current) - this.ticker.nanoTime();
		if (left <= 0) {
			log.warn("Could not renew Lease {}: {}", this.api.describe(), describe(failure));
			stepDown(StepDownReason.RENEW_DEADLINE);
			return 0;
		}
		log.warn("Could not renew Lease {} ({} ms before the renew deadline): {}", this.api.describe(),
				TimeUnit.NANOSECONDS.toMillis(left), describe(failure));
		return Math.min(this.timings.retryPeriod().toNanos(), left);
	}

	private long acquisitionFailed(RuntimeException failure) {
		this.failures++;
		long backoff = Math.min(this.timings.retryPeriod().toNanos() << Math.min(this.failures - 1, 10),
				this.timings.leaseDuration().toNanos());
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

	/**
	 * Writes {@code change} over this replica's own record. If someone else changed the
	 * Lease meanwhile, writes over their change only if it is still this term.
	 */
	private LeaseRecord updateOwnTerm(Term current, java.util.function.Function<LeaseRecord, Lease> change,
			Duration timeout) {
		try {
			return this.api.update(change.apply(current.written()), timeout);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 404) {
				throw new LeaseLostException(StepDownReason.DELETED);
			}
			if (ex.getCode() != 409) {
				throw ex;
			}
		}
		Optional<LeaseRecord> latest = this.api.get(timeout);
		see(latest.orElse(null), this.ticker.nanoTime());
		if (latest.isEmpty()) {
			throw new LeaseLostException(StepDownReason.DELETED);
		}
		if (!latest.get().heldBy(this.identity, current.context().fencingToken())) {
			throw new LeaseLostException(StepDownReason.TAKEN_OVER);
		}
		log.warn("Lease {} was changed by someone else but is still this replica's term; writing over the change",
				this.api.describe());
		return this.api.update(change.apply(latest.get()), timeout);
	}

	private void stepDown(StepDownReason reason) {
		Term ended = this.term;
		this.term = null;
		log.info("Stopped leading Lease {} (fencing token {}): {}", this.api.describe(),
				ended.context().fencingToken(), reason);
		this.observer.lost(ended.context().term(), reason);
		CompletableFuture<Void> revoked = this.events.revoked(this, ended.context());
		if (reason.graceful() && awaitRevocation(revoked)) {
			release(ended);
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
			LeaseRecord released = updateOwnTerm(ended, (record) -> record.releasedBy(this.identity, now()),
					this.timings.retryPeriod());
			see(released, this.ticker.nanoTime());
			log.info("Released Lease {}", this.api.describe());
		}
		catch (LeaseLostException ex) {
			log.info("Lease {} was no longer this replica's to release ({})", this.api.describe(), ex.reason);
		}
		catch (RuntimeException ex) {
			log.warn("Could not release Lease {}; other replicas take it over once it expires: {}",
					this.api.describe(), describe(ex));
		}
	}

	private void see(LeaseRecord seen, long nowNanos) {
		Observation before = this.observation;
		Observation after = before.next(seen, nowNanos, this.clock.instant(), leaseDuration());
		if (after == before) {
			return;
		}
		this.observation = after;
		if (seen != null && seen.malformed()) {
			log.warn("Lease {} names holder {} without a valid leaseDurationSeconds; judging its expiry by {}",
					this.api.describe(), seen.holder(), leaseDuration());
		}
		if (!Objects.equals(before.holder(), after.holder())) {
			long token = (after.record() != null) ? after.record().transitions() : after.lastTransitions();
			this.events.leaderChanged(new LeaderChanged(this.api.name(), after.holder(), token, this.identity));
		}
	}

	private long deadline(Term current) {
		return current.renewedAtNanos() + this.timings.renewDeadline().toNanos();
	}

	/** A leader's call may take half the renew deadline, and never past the deadline. */
	private Duration leaderCallTimeout(Term current) {
		long left = deadline(current) - this.ticker.nanoTime();
		return Duration.ofNanos(Math.max(1, Math.min(left, followerCallTimeout().toNanos())));
	}

	private Duration followerCallTimeout() {
		return this.timings.renewDeadline().dividedBy(2);
	}

	private long jitteredRetry() {
		double factor = 1 + ThreadLocalRandom.current().nextDouble() * JITTER;
		return (long) (this.timings.retryPeriod().toNanos() * factor);
	}

	private Duration leaseDuration() {
		return this.timings.leaseDuration();
	}

	private ZonedDateTime now() {
		return ZonedDateTime.now(this.clock);
	}

	private static String describe(Throwable failure) {
		return failure.getClass().getSimpleName() + ": " + failure.getMessage();
	}

	private void schedule(long delayNanos) {
		cancelTick();
		this.nextTick = this.loop.schedule(this::tick, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
	}

	private void cancelTick() {
		if (this.nextTick != null) {
			this.nextTick.cancel(false);
			this.nextTick = null;
		}
	}

	private boolean execute(Runnable action) {
		ScheduledExecutorService current = this.loop;
		if (current == null) {
			return false;
		}
		try {
			current.execute(() -> {
				try {
					action.run();
				}
				catch (Throwable ex) {
					log.error("Election step for Lease {} failed", this.api.describe(), ex);
				}
				finally {
					this.lastProgressNanos = this.ticker.nanoTime();
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	@Override
	public void start() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "lease-elector");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		this.events.start();
		this.loop = executor;
		this.watch = this.api.watch((seen) -> watched(seen, false), (last) -> watched(last, true));
		this.running = true;
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

	/**
	 * The longest a graceful leave can take: a step in flight (two calls of half the
	 * renew deadline each), the work stopping (the stop margin), the release (two calls
	 * within one retry period each).
	 */
	public Duration leaveTimeout() {
		return this.timings.renewDeadline()
			.plus(this.timings.stopMargin())
			.plus(this.timings.retryPeriod().multipliedBy(2));
	}

	private void shutDown() {
		this.running = false;
		SharedIndexInformer<Lease> currentWatch = this.watch;
		if (currentWatch != null) {
			currentWatch.stop();
		}
		ScheduledExecutorService current = this.loop;
		if (current != null) {
			current.shutdownNow();
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

	/** One term as this process holds it: what it last wrote, and when it sent that. */
	private record Term(LeaseContext context, LeaseRecord written, long renewedAtNanos, Instant renewedAt,
			boolean renewalFailed) {
	}

	private static final class LeaseLostException extends RuntimeException {

		private final StepDownReason reason;

		LeaseLostException(StepDownReason reason) {
			super(reason.name(), null, false, false);
			this.reason = reason;
		}

	}

}
