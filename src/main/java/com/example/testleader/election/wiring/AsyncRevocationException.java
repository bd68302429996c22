package com.example.testleader.election.wiring;

import java.util.ArrayList;
import java.util.List;

/**
 * Thrown at start-up when an {@code OnRevokedEvent} could be delivered after publishing it
 * has returned; see {@link SynchronousRevocations}.
 */
class AsyncRevocationException extends RuntimeException {

	private final String description;

	private final String action;

	AsyncRevocationException(List<String> asyncListeners, boolean asyncMulticaster) {
		this(description(asyncListeners, asyncMulticaster), action(asyncListeners, asyncMulticaster));
	}

	private AsyncRevocationException(String description, String action) {
		super(description + "\n" + action);
		this.description = description;
		this.action = action;
	}

	String description() {
		return this.description;
	}

	String action() {
		return this.action;
	}

	private static String description(List<String> asyncListeners, boolean asyncMulticaster) {
		StringBuilder description = new StringBuilder("Revocation listeners must be synchronous: the Lease is "
				+ "released as soon as publishing an OnRevokedEvent returns, so with a listener that returns before "
				+ "the work it guards has stopped, the Lease would be released while that work still runs, and "
				+ "another replica would start it too. Found:");
		asyncListeners.forEach((listener) -> description.append("\n - an @Async listener of OnRevokedEvent, ")
			.append(listener));
		if (asyncMulticaster) {
			description.append("\n - an application event multicaster that calls listeners on another thread than "
					+ "the publisher's (a task executor set on SimpleApplicationEventMulticaster does that)");
		}
		return description.toString();
	}

	private static String action(List<String> asyncListeners, boolean asyncMulticaster) {
		List<String> actions = new ArrayList<>();
		if (!asyncListeners.isEmpty()) {
			actions.add("Make each @Async listener synchronous: remove @Async and return only once the work it "
					+ "stops has stopped (it may start asynchronous work, but must wait for it).");
		}
		if (asyncMulticaster) {
			actions.add("Remove the task executor from the 'applicationEventMulticaster' bean. Opting listeners "
					+ "out with supportsAsyncExecution() = false is not enough: every OnRevokedEvent listener would "
					+ "have to, and @EventListener methods, the critical task's among them, cannot.");
		}
		return String.join("\n", actions);
	}

}
