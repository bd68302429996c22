package com.example.testleader.task;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.example.testleader.election.LeaderTerm;

import org.springframework.stereotype.Component;

/** The seed program's critical work: say so, on every run. Replace with the real work. */
@Component
class StillLeadingWork implements CriticalWork {

	private static final Logger log = LoggerFactory.getLogger(StillLeadingWork.class);

	@Override
	public void run(LeaderTerm term) {
		log.info("still leading: identity={} fencingToken={}", term.identity(), term.fencingToken());
	}

}
