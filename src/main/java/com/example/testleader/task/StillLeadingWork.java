package com.example.testleader.task;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.LeaderTerm;

import org.springframework.stereotype.Component;

/**
 * The seed program's critical work: say so, on every run. Replace with the real work. It
 * runs under the roles {@code test-leader.task.still-leading-roles} names, so that the
 * spreading of roles over replicas can be tried with the packaged jar.
 */
@Component
class StillLeadingWork implements CriticalWork {

	private static final Logger log = LoggerFactory.getLogger(StillLeadingWork.class);

	private final List<String> roles;

	StillLeadingWork(CriticalTaskProperties properties) {
		this.roles = properties.stillLeadingRoles();
	}

	@Override
	public void run(LeaderTerm term) {
		// The term is checked right before the side effect (this line; a write downstream in
		// real work), since a run can outlast the check the scheduler made before it. A
		// process frozen between this check and the effect still acts late: a downstream
		// system that refuses a fencing token lower than one it has seen is what stops that.
		if (!term.isValid()) {
			log.info("Not saying so: the term (fencingToken={}) has ended", term.fencingToken());
			return;
		}
		log.info("still leading: identity={} fencingToken={} role={}", term.identity(), term.fencingToken(),
				term.role());
	}

	@Override
	public List<String> roles() {
		return this.roles;
	}

}
