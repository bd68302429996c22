package com.example.testleader.task;

/**
 * Read access to the state of the critical work, for health indicators and gauges
 * outside this package. Implemented by the scheduler; cheap enough to call on every
 * scrape or health request.
 */
@FunctionalInterface
public interface CriticalWorkMonitor {

	CriticalWorkStatus status();

}
