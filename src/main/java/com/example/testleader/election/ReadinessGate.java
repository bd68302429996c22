package com.example.testleader.election;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Lets this replica compete only while the application accepts traffic, judged by
 * Spring's own availability state rather than by reading Pod objects (so no RBAC on pods
 * is needed). A replica that stops accepting traffic, including at shutdown, steps down
 * gracefully.
 */
@Component
class ReadinessGate {

	private final LeaseElector elector;

	ReadinessGate(LeaseElector elector) {
		this.elector = elector;
	}

	@EventListener
	void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			this.elector.join();
		}
		else {
			this.elector.leave();
		}
	}

}
