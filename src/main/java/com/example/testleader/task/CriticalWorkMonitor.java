package com.example.testleader.task;

import java.time.Duration;
import java.util.List;

/**
 * Read access to the state of the critical work, role by role, for health indicators
 * and gauges outside this package. Implemented by {@link CriticalTasks}; cheap enough to
 * call on every scrape or health request.
 */
public interface CriticalWorkMonitor {

	/** The roles critical work runs under. */
	List<String> roles();

	/** The work of {@code role}; not leading for a role no work runs under. */
	CriticalWorkStatus status(String role);

	/** Time between two runs of the work of {@code role}. */
	Duration period(String role);

}
