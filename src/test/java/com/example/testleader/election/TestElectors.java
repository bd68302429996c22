package com.example.testleader.election;

import java.time.Clock;

import io.fabric8.kubernetes.client.Config;

import org.springframework.mock.env.MockEnvironment;

import com.example.testleader.election.roles.Electors;
import com.example.testleader.election.wiring.ElectionConfiguration;

/** Electors for tests outside this package, on a clock the test drives. */
public final class TestElectors {

	private TestElectors() {
	}

	/**
	 * An elector for {@code podName} on the shortened test timings, not started, with no
	 * leader-event listener.
	 * @param ticker its monotonic clock
	 * @param observer told what it does, on its loop
	 */
	public static LeaseElector elector(Config api, String podName, Ticker ticker, ElectionObserver observer) {
		LeaderElectionProperties timings = Candidate.TIMINGS;
		PodIdentity pod = PodIdentity.resolve(timings, new MockEnvironment().withProperty("POD_NAME", podName), api);
		Cadence cadence = new Cadence(timings);
		LeaseApi leaseApi = new LeaseApi(ElectionConfiguration.electionClient(api, cadence), pod.namespace(),
				timings.leaseName());
		return new LeaseElector(leaseApi, pod.holderIdentity(), cadence,
				new LeaderEvents(Candidate.NO_LISTENER, (event) -> {
				}), observer, Clock.systemUTC(), ticker, HolderProcess.NONE, RunningWork.NONE);
	}

	/** The electors of one replica, one per role, as the application has them. */
	public static Electors electors(LeaseElector... electors) {
		java.util.Map<String, LeaseElector> byRole = new java.util.LinkedHashMap<>();
		for (LeaseElector elector : electors) {
			byRole.put(elector.leadership().leaseName(), elector);
		}
		return new Electors(byRole, electors[0].leadership().leaseName(), null, () -> {
		});
	}

}
