package com.example.testleader.election;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import com.example.testleader.election.takeover.PodWatch;
import com.example.testleader.election.wiring.EarlyTakeoverProperties;
import com.example.testleader.election.wiring.ElectionConfiguration;
import com.example.testleader.faults.FaultProxy;

import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.mock.env.MockEnvironment;

/**
 * One replica's elector, talking to the API through its own {@link FaultProxy}, its
 * events recorded on a shared {@link Timeline}.
 * <p>
 * Public for the tests of the election's other packages.
 */
public final class Candidate implements AutoCloseable {

	public static final LeaderElectionProperties TIMINGS = new LeaderElectionProperties("test-lease", "default", null,
			Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));

	public static final LeaderEventPublisher NO_LISTENER = new LeaderEventPublisher() {

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
		}

	};

	private final String name;

	private final FaultProxy proxy;

	private final LeaseElector elector;

	private final Timeline timeline;

	private volatile boolean crashed;

	private Candidate(String name, FaultProxy proxy, LeaseElector elector, Timeline timeline) {
		this.name = name;
		this.proxy = proxy;
		this.elector = elector;
		this.timeline = timeline;
	}

	public static Candidate start(String podName, Config api, Timeline timeline) {
		return start(podName, podName, api, timeline, Clock.systemUTC(), NO_LISTENER);
	}

	/**
	 * Starts a candidate that joins the election at once.
	 * @param name its name on the timeline
	 * @param podName its POD_NAME
	 * @param clock its wall clock (the only clock a skew could affect)
	 * @param listener stands for the application's leader-event listeners
	 */
	public static Candidate start(String name, String podName, Config api, Timeline timeline, Clock clock,
			LeaderEventPublisher listener) {
		return start(name, podName, api, timeline, clock, listener, TIMINGS);
	}

	public static Candidate start(String name, String podName, Config api, Timeline timeline, Clock clock,
			LeaderEventPublisher listener, LeaderElectionProperties timings) {
		Candidate candidate = create(name, podName, api, timeline, clock, listener, timings, ElectionObserver.NONE);
		candidate.elector.start();
		candidate.elector.join();
		return candidate;
	}

	/**
	 * A candidate not yet started.
	 * @param observer told what the elector does, besides the timeline (runs on the
	 * election's loop, as metrics do)
	 */
	public static Candidate create(String name, String podName, Config api, Timeline timeline, Clock clock,
			LeaderEventPublisher listener, LeaderElectionProperties timings, ElectionObserver observer) {
		return create(name, podName, null, api, timeline, clock, listener, timings, observer, RunningWork.NONE);
	}

	/**
	 * A candidate not yet started, that knows its pod: it names it in the Lease and takes
	 * over early when the pods it watches prove the holder gone.
	 * @param podUid its POD_UID, or {@code null} for none (early takeover off)
	 * @param work asked before a release whether work of an ended term still runs
	 */
	public static Candidate create(String name, String podName, String podUid, Config api, Timeline timeline, Clock clock,
			LeaderEventPublisher listener, LeaderElectionProperties timings, ElectionObserver observer,
			RunningWork work) {
		FaultProxy proxy;
		try {
			proxy = new FaultProxy(api.getMasterUrl());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Config config = new ConfigBuilder(api).withMasterUrl(proxy.url()).build();
		MockEnvironment environment = new MockEnvironment().withProperty("POD_NAME", podName);
		if (podUid != null) {
			environment.setProperty("POD_UID", podUid);
		}
		PodIdentity pod = PodIdentity.resolve(timings, environment, config);
		Cadence cadence = new Cadence(timings);
		KubernetesClient client = ElectionConfiguration.electionClient(config, cadence);
		LeaseApi leaseApi = new LeaseApi(client, pod.namespace(), timings.leaseName());
		HolderProcess early = ElectionConfiguration.earlyTakeover(
				new EarlyTakeoverProperties(true, "app.kubernetes.io/name=test-leader", "test-leader"), pod,
				new PodWatch(client, pod.namespace(), "app.kubernetes.io/name=test-leader", timings.leaseDuration()));
		LeaseElector elector = new LeaseElector(leaseApi, pod.holderIdentity(), cadence,
				new LeaderEvents(timeline.publisher(name, listener), (event) -> {
				}), ElectionObserver.all(List.of(timeline.observer(name), observer)), clock, Ticker.SYSTEM, early, work);
		return new Candidate(name, proxy, elector, timeline);
	}

	public String name() {
		return this.name;
	}

	public String identity() {
		return this.elector.identity();
	}

	public LeaseElector elector() {
		return this.elector;
	}

	public FaultProxy proxy() {
		return this.proxy;
	}

	/** Cuts it off for good and ends its critical window: the process is gone. */
	public void crash() {
		this.crashed = true;
		this.proxy.mode(FaultProxy.Mode.BLACKHOLE);
		this.timeline.record(this.name, Timeline.Kind.DIED, null);
	}

	@Override
	public void close() {
		if (!this.crashed) {
			this.proxy.mode(FaultProxy.Mode.PASS);
		}
		this.elector.stop();
		this.elector.close();
		this.proxy.close();
	}

}
