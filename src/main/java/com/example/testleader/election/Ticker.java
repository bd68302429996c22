package com.example.testleader.election;

/**
 * A monotonic time source in nanoseconds. Every deadline of the election is measured on
 * it, never on the wall clock, so neither a clock step nor an offset between replicas
 * moves a deadline. Injected so that tests can drive time.
 */
@FunctionalInterface
public interface Ticker {

	Ticker SYSTEM = System::nanoTime;

	long nanoTime();

}
