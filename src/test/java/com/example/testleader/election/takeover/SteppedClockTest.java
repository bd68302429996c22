package com.example.testleader.election.takeover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SteppedClockTest {

	private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

	private long nanos;

	@Test
	void withAnUnsteppedClockItIsTheWallClock() {
		this.nanos = Duration.ofSeconds(30).toNanos();
		SteppedClock clock = clockReading(START.plusSeconds(30));
		assertThat(clock.now()).isEqualTo(START.plusSeconds(30));
	}

	@Test
	void aBackwardStepSinceTheStartIsAddedBack() {
		// 30 s have passed, but the clock was stepped back by 10 s: it reads start + 20 s
		this.nanos = Duration.ofSeconds(30).toNanos();
		SteppedClock clock = clockReading(START.plusSeconds(20));
		assertThat(clock.now()).isEqualTo(START.plusSeconds(30));
	}

	@Test
	void aForwardStepIsKeptAsItIs() {
		this.nanos = Duration.ofSeconds(30).toNanos();
		SteppedClock clock = clockReading(START.plusSeconds(40));
		assertThat(clock.now()).isEqualTo(START.plusSeconds(40));
	}

	private SteppedClock clockReading(Instant wall) {
		return new SteppedClock(Clock.fixed(wall, ZoneOffset.UTC), () -> this.nanos, START, 0);
	}

}
