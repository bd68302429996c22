package com.example.testleader.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the scheduler knows about the critical work at one moment, for health and metrics.
 * Taking it reads only what the scheduler already holds; it never calls the API server.
 *
 * @param leading whether this replica has been granted a term that has not ended, whether
 * or not its work could start
 * @param fencingToken that term's fencing token while leading, else {@code null}
 * @param lastSuccess while leading, when every {@link CriticalWork} last completed a run
 * without failure in this term; {@code null} before the first such run, or when not
 * leading
 * @param sinceLastSuccess while leading, time since {@code lastSuccess}, or since the
 * grant if there was none yet, on the monotonic clock; {@code null} when not leading
 * @param workIgnoringInterruption fencing tokens of ended terms whose run ignored its
 * interruption and still runs, leader or not; empty unless the work is broken. While it
 * is not empty, no term's work starts and every revocation fails; only a restart of the
 * process ends such a run
 */
public record CriticalWorkStatus(boolean leading, Long fencingToken, Instant lastSuccess, Duration sinceLastSuccess,
		List<Long> workIgnoringInterruption) {

	public CriticalWorkStatus {
		workIgnoringInterruption = List.copyOf(workIgnoringInterruption);
	}

	static CriticalWorkStatus notLeading(List<Long> workIgnoringInterruption) {
		return new CriticalWorkStatus(false, null, null, null, workIgnoringInterruption);
	}

}
