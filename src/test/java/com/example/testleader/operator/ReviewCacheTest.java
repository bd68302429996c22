package com.example.testleader.operator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewCacheTest {

	private final AtomicLong now = new AtomicLong();

	private final ReviewCache cache = new ReviewCache(Duration.ofSeconds(10), 3, this.now::get);

	private final OperatorAction moveLeadership = OperatorAction.moveLeadership("default", "test-lease");

	@Test
	void aDecisionIsReusedForItsTimeToLiveAndNotAfter() {
		ReviewCache.Key key = new ReviewCache.Key("hash-a", this.moveLeadership);
		this.cache.put(key, Decision.allow("alice"));

		this.now.set(Duration.ofSeconds(10).minusNanos(1).toNanos());
		assertThat(this.cache.get(key)).isEqualTo(Decision.allow("alice"));
		this.now.set(Duration.ofSeconds(10).toNanos());
		assertThat(this.cache.get(key)).isNull();
		assertThat(this.cache.size()).isZero();
	}

	@Test
	void aDecisionIsForItsTokenAndActionOnly() {
		this.cache.put(new ReviewCache.Key("hash-a", this.moveLeadership), Decision.allow("alice"));

		assertThat(this.cache.get(new ReviewCache.Key("hash-b", this.moveLeadership))).isNull();
		assertThat(this.cache.get(new ReviewCache.Key("hash-a", OperatorAction.shutDown("default", "replica-a"))))
			.isNull();
		assertThat(this.cache.get(new ReviewCache.Key("hash-a", OperatorAction.moveLeadership("other", "test-lease"))))
			.isNull();
	}

	@Test
	void aFullCacheDropsTheExpiredEntriesFirstThenEverything() {
		this.cache.put(new ReviewCache.Key("old", this.moveLeadership), Decision.forbidden("no"));
		this.now.set(Duration.ofSeconds(5).toNanos());
		this.cache.put(new ReviewCache.Key("b", this.moveLeadership), Decision.forbidden("no"));
		this.cache.put(new ReviewCache.Key("c", this.moveLeadership), Decision.forbidden("no"));
		this.now.set(Duration.ofSeconds(11).toNanos());

		this.cache.put(new ReviewCache.Key("d", this.moveLeadership), Decision.forbidden("no"));
		assertThat(this.cache.size()).isEqualTo(3);
		assertThat(this.cache.get(new ReviewCache.Key("b", this.moveLeadership))).isNotNull();

		this.cache.put(new ReviewCache.Key("e", this.moveLeadership), Decision.forbidden("no"));
		assertThat(this.cache.size()).isEqualTo(1);
		assertThat(this.cache.get(new ReviewCache.Key("e", this.moveLeadership))).isNotNull();
	}

}
