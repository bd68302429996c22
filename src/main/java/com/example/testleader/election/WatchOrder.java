package com.example.testleader.election;

/**
 * Tells which versions delivered by the watch are stale because a read or write of this
 * replica already returned a later one. A watch delivers versions in order, but a poll or
 * a write can overtake it; taking an older version after a newer one would restart a
 * follower's wait for nothing.
 *
 * <p>
 * resourceVersions are opaque (after an etcd restore they even go backwards), so they are
 * never compared for order, only for equality: after a read or write returned version
 * {@code v}, the watch's events are stale until the watch delivers {@code v} itself, for
 * at most {@code patienceNanos} (a re-listed watch may skip {@code v}); none are if the
 * watch had delivered {@code v} already, so every version it delivers must be told here,
 * whether or not the replica acts on it. A stale event that
 * slipped through costs a follower time, never safety: any take carries the
 * resourceVersion it was built from. Confined to the election's loop.
 */
final class WatchOrder {

	private final long patienceNanos;

	private String lastWatched;

	private String ahead;

	private long aheadSinceNanos;

	WatchOrder(long patienceNanos) {
		this.patienceNanos = patienceNanos;
	}

	/** A read or a write returned {@code resourceVersion}. */
	void readOrWrote(String resourceVersion, long nowNanos) {
		if (resourceVersion == null) {
			return;
		}
		if (resourceVersion.equals(this.lastWatched)) {
			// the watch has delivered it already: whatever it delivers next is later
			this.ahead = null;
			return;
		}
		this.ahead = resourceVersion;
		this.aheadSinceNanos = nowNanos;
	}

	/** The watch delivered {@code resourceVersion}; whether it is news rather than stale. */
	boolean isCurrent(String resourceVersion, long nowNanos) {
		this.lastWatched = resourceVersion;
		if (this.ahead == null) {
			return true;
		}
		if (this.ahead.equals(resourceVersion) || nowNanos - this.aheadSinceNanos >= this.patienceNanos) {
			this.ahead = null;
			return true;
		}
		return false;
	}

}
