package com.example.testleader.election.wiring;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.example.testleader.election.roles.Electors;

/**
 * Lets this replica compete only while the application accepts traffic, judged by
 * Spring's own availability state rather than by reading Pod objects (so no RBAC on pods
 * is needed). A replica that stops accepting traffic, including at shutdown, steps down
 * gracefully, in every role.
 */
@Component
class ReadinessGate {

	private final Electors electors;

	ReadinessGate(Electors electors) {
		this.electors = electors;
	}

	@EventListener
	void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			this.electors.join();
		}
		else {
			this.electors.leave();
		}
	}

}
