package com.example.testleader.task;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.RunningWork;
import com.example.testleader.election.Ticker;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/**
 * The real scheduler of the critical work, for tests outside this package that drive it
 * with an elector's own leader events (as the application's listener would be) and let
 * the elector ask it, before a release, whether work of an ended term still runs.
 */
public final class TestSchedules implements LeaderEventPublisher, RunningWork, AutoCloseable {

	private final CriticalTaskScheduler scheduler;

	private TestSchedules(CriticalTaskScheduler scheduler) {
		this.scheduler = scheduler;
	}

	/** {@code work} under the role of {@code election}, every {@code period}, stopped within {@code stopTimeout}. */
	public static TestSchedules of(CriticalWork work, Duration period, Duration stopTimeout,
			LeaderElectionProperties election) {
		CriticalTaskProperties task = new CriticalTaskProperties(period, stopTimeout);
		String role = election.leaseName();
		return new TestSchedules(new CriticalTaskScheduler(role, List.of(work), task.schedule(role), election,
				new SimpleMeterRegistry(), () -> null, Ticker.SYSTEM));
	}

	@Override
	public void publishOnGranted(Object source, Context context, String role) {
		this.scheduler.onGranted(new OnGrantedEvent(source, context, role));
	}

	@Override
	public void publishOnRevoked(Object source, Context context, String role) {
		this.scheduler.onRevoked(new OnRevokedEvent(source, context, role));
	}

	@Override
	public void publishOnFailedToAcquire(Object source, Context context, String role) {
	}

	@Override
	public Optional<String> stillRunning(String role) {
		return role.equals(this.scheduler.role()) ? this.scheduler.stillRunning() : Optional.empty();
	}

	@Override
	public void close() {
		this.scheduler.shutDown();
	}

}
