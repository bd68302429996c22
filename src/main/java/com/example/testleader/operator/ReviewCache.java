package com.example.testleader.operator;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.example.testleader.election.Ticker;

/**
 * Recent decisions of the API server, so that an operator repeating a call (or a script in
 * a loop) does not send two reviews per request. Keyed by a hash of the token and the
 * action, never the token itself. An entry lives for a fixed time from when it was made,
 * on the monotonic clock: a revoked permission or token takes effect here at most that
 * long after the API server would refuse it. Failures to check are never kept.
 *
 * <p>
 * Bounded: whoever reaches the port can send tokens at will, so when the cache is full
 * the expired entries go, and if that makes no room, all of them (a cleared cache only
 * costs reviews).
 */
final class ReviewCache {

	record Key(String tokenHash, OperatorAction action) {
	}

	private record Entry(Decision decision, long madeAtNanos) {
	}

	private final Duration timeToLive;

	private final int capacity;

	private final Ticker ticker;

	private final ConcurrentMap<Key, Entry> entries = new ConcurrentHashMap<>();

	ReviewCache(Duration timeToLive, int capacity, Ticker ticker) {
		this.timeToLive = timeToLive;
		this.capacity = capacity;
		this.ticker = ticker;
	}

	/** The decision made for {@code key} less than the time to live ago, or {@code null}. */
	Decision get(Key key) {
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return null;
		}
		if (expired(entry, this.ticker.nanoTime())) {
			this.entries.remove(key, entry);
			return null;
		}
		return entry.decision();
	}

	void put(Key key, Decision decision) {
		long now = this.ticker.nanoTime();
		if (this.entries.size() >= this.capacity) {
			this.entries.values().removeIf((entry) -> expired(entry, now));
			if (this.entries.size() >= this.capacity) {
				this.entries.clear();
			}
		}
		this.entries.put(key, new Entry(decision, now));
	}

	int size() {
		return this.entries.size();
	}

	private boolean expired(Entry entry, long now) {
		return now - entry.madeAtNanos() >= this.timeToLive.toNanos();
	}

}
