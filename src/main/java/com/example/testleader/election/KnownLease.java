package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this replica knows of the Lease: the version it last saw and when
 * ({@link Observation}), the last version it wrote itself, and which watched versions are
 * stale ({@link WatchOrder}). Tells the application when the holder changes. Written on
 * the election's loop only; {@link #observation()} may be read from anywhere.
 */
final class KnownLease {

	private static final Logger log = LoggerFactory.getLogger(KnownLease.class);

	private final LeaseApi api;

	private final String identity;

	private final Duration leaseDuration;

	private final Clock clock;

	private final LeaderEvents events;

	private final WatchOrder watchOrder;

	private final String replica;

	private final Duration handoverGrace;

	private volatile Runnable changed = () -> {
	};

	private volatile Observation observation = Observation.initial();

	private LeaseRecord ownWrite;

	KnownLease(LeaseApi api, String identity, Cadence cadence, Clock clock, LeaderEvents events) {
		this.api = api;
		this.identity = identity;
		this.leaseDuration = cadence.timings().leaseDuration();
		this.clock = clock;
		this.events = events;
		this.watchOrder = new WatchOrder(cadence.retryNanos());
		this.replica = PodIdentity.replicaOf(identity);
		this.handoverGrace = cadence.handoverGrace();
	}

	/**
	 * Tells {@code listener}, on the election's loop, whenever the holding of the Lease
	 * changes as this replica sees it: another holder, a release, a release handed to
	 * someone. Renewals of the same holder are not changes.
	 */
	void onChange(Runnable listener) {
		this.changed = listener;
	}

	Observation observation() {
		return this.observation;
	}

	/** Nanoseconds until this replica may take the Lease; zero if it may now. */
	long nanosUntilAcquirable(long nowNanos) {
		return this.observation.nanosUntilAcquirable(nowNanos, this.ownWrite);
	}

	/** Whether a version the watch delivered is news rather than older than one already read. */
	boolean isNews(LeaseRecord watched, long nowNanos) {
		return this.watchOrder.isCurrent(watched.resourceVersion(), nowNanos);
	}

	/** A write of this process succeeded: only such a record may be taken again at once. */
	void wrote(LeaseRecord written, long nowNanos) {
		wrote(written, nowNanos, null);
	}

	/**
	 * As {@link #wrote(LeaseRecord, long)}, for a take before the Lease expired.
	 * @param earlyTakeover why the previous holder was known to be gone, or {@code null}
	 */
	void wrote(LeaseRecord written, long nowNanos, String earlyTakeover) {
		this.ownWrite = written;
		if (written != null) {
			this.watchOrder.readOrWrote(written.resourceVersion(), nowNanos);
		}
		see(written, nowNanos, earlyTakeover);
	}

	/** A read (or write) returned {@code seen} (null: no Lease), ahead of the watch. */
	void read(LeaseRecord seen, long nowNanos) {
		if (seen != null) {
			this.watchOrder.readOrWrote(seen.resourceVersion(), nowNanos);
		}
		see(seen, nowNanos);
	}

	/** Takes {@code seen} (null: no Lease) as what this replica now knows of the Lease. */
	void see(LeaseRecord seen, long nowNanos) {
		see(seen, nowNanos, null);
	}

	private void see(LeaseRecord seen, long nowNanos, String earlyTakeover) {
		Observation before = this.observation;
		Observation after = before.next(seen, nowNanos, this.clock.instant(), this.leaseDuration, this.replica,
				this.handoverGrace);
		if (after == before) {
			return;
		}
		this.observation = after;
		if (!after.sameHoldingAs(before)) {
			this.changed.run();
		}
		if (seen != null && seen.malformed()) {
			log.warn("Lease {} names holder {} without a valid leaseDurationSeconds; judging its expiry by {}",
					this.api.describe(), seen.holder(), this.leaseDuration);
		}
		if (!Objects.equals(before.holder(), after.holder())) {
			long token = (after.record() != null) ? after.record().fencingToken() : after.lastToken();
			this.events.leaderChanged(new LeaderChanged(this.api.name(), after.holder(), token, this.identity,
					earlyTakeover));
		}
	}
}
