package com.example.testleader.election.roles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;

import com.example.testleader.election.Candidate;
import com.example.testleader.election.Cadence;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.RunningWork;
import com.example.testleader.election.Ticker;
import com.example.testleader.election.wiring.EarlyTakeoverProperties;
import com.example.testleader.election.wiring.ElectionConfiguration;
import com.example.testleader.faults.FaultProxy;
import com.example.testleader.local.KubeletStandIn;

import org.springframework.mock.env.MockEnvironment;

/**
 * One replica competing for several roles, wired as the application wires it
 * ({@link ElectionConfiguration#electors}), in a pod the kubelet stand-in keeps (ready
 * once it competes) and talking to the API through its own {@link FaultProxy}. Its pod
 * has no POD_UID, so a crashed replica's roles are waited out for the lease duration.
 */
final class RoleReplica implements AutoCloseable {

	private final String name;

	private final FaultProxy proxy;

	private final Electors electors;

	private final KubeletStandIn kubelet;

	private final RoleTimelines timelines;

	private volatile boolean crashed;

	private RoleReplica(String name, FaultProxy proxy, Electors electors, KubeletStandIn kubelet,
			RoleTimelines timelines) {
		this.name = name;
		this.proxy = proxy;
		this.electors = electors;
		this.kubelet = kubelet;
		this.timelines = timelines;
	}

	/** Starts {@code name} competing for {@code roles} at once; its pod turns ready after the kubelet's delay. */
	static RoleReplica start(String name, List<String> roles, Config api, KubeletStandIn kubelet,
			RoleTimelines timelines) {
		kubelet.podStarting(name);
		return run(name, null, null, roles, api, kubelet, timelines);
	}

	/**
	 * As {@link #start}, in a pod of the Deployment's revision {@code templateHash}, knowing
	 * its pod's UID as in a cluster (so early takeover is on, and with it the view of the
	 * pods even for a single role).
	 */
	static RoleReplica startOfRevision(String name, String templateHash, List<String> roles, Config api,
			KubeletStandIn kubelet, RoleTimelines timelines) {
		String uid = kubelet.podStarting(name, templateHash);
		return run(name, null, uid, roles, api, kubelet, timelines);
	}

	/** As {@link #start}, with {@code test-leader.election.identity} set to {@code identity}, not the pod name. */
	static RoleReplica startAs(String identity, String name, List<String> roles, Config api, KubeletStandIn kubelet,
			RoleTimelines timelines) {
		kubelet.podStarting(name);
		return run(name, identity, null, roles, api, kubelet, timelines);
	}

	/** A new process in the pod {@code name}, which exists already (a restarted container). */
	static RoleReplica restartIn(String name, List<String> roles, Config api, KubeletStandIn kubelet,
			RoleTimelines timelines) {
		kubelet.restarted(name);
		return run(name, null, null, roles, api, kubelet, timelines);
	}

	private static RoleReplica run(String name, String identity, String podUid, List<String> roles, Config api,
			KubeletStandIn kubelet, RoleTimelines timelines) {
		FaultProxy proxy;
		try {
			proxy = new FaultProxy(api.getMasterUrl());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Config config = new ConfigBuilder(api).withMasterUrl(proxy.url()).build();
		LeaderElectionProperties timings = new LeaderElectionProperties(Candidate.TIMINGS.leaseName(),
				Candidate.TIMINGS.namespace(), identity, Candidate.TIMINGS.leaseDuration(),
				Candidate.TIMINGS.renewDeadline(), Candidate.TIMINGS.retryPeriod());
		MockEnvironment environment = new MockEnvironment().withProperty("POD_NAME", name);
		if (podUid != null) {
			environment.setProperty("POD_UID", podUid);
		}
		PodIdentity pod = PodIdentity.resolve(timings, environment, config);
		Cadence cadence = new Cadence(timings);
		Electors electors = ElectionConfiguration.electors(new ElectedRoles(roles), cadence, pod,
				ElectionConfiguration.electionClient(config, cadence),
				new EarlyTakeoverProperties(true, "app.kubernetes.io/name=test-leader", KubeletStandIn.CONTAINER),
				new ElectionConfiguration.Publishers(timelines.publisher(name), (event) -> {
				}), timelines.observer(name), RunningWork.NONE, Clock.systemUTC(), Ticker.SYSTEM);
		electors.start();
		electors.join();
		kubelet.ready(name);
		return new RoleReplica(name, proxy, electors, kubelet, timelines);
	}

	String name() {
		return this.name;
	}

	Electors electors() {
		return this.electors;
	}

	/**
	 * The process is killed: cut off for good, its windows closed, and its container
	 * reported gone by the kubelet. It releases nothing.
	 */
	void crash() {
		this.crashed = true;
		this.proxy.mode(FaultProxy.Mode.BLACKHOLE);
		this.timelines.died(this.name);
		this.kubelet.exited(this.name, 137, "Error");
	}

	/**
	 * The process is killed right after a request of its own landed: the first time the API
	 * server sends it {@code mark} (the answer to that request, or the watch event of it),
	 * it is cut off before reading it, and from then on as in {@link #crash()}.
	 */
	void crashOnceServed(String mark) {
		this.proxy.cutOffOnceServed(mark, () -> {
			this.crashed = true;
			this.timelines.died(this.name);
			this.kubelet.exited(this.name, 137, "Error");
		});
	}

	/**
	 * Cut off from the API server for good, silently: its process lives on and its pod stays
	 * ready (probes are local), so the kubelet reports nothing.
	 */
	void partition() {
		this.crashed = true;
		this.proxy.mode(FaultProxy.Mode.BLACKHOLE);
	}

	/**
	 * {@code kubectl delete pod}: marked for deletion at once, then stopped as on SIGTERM
	 * (every role stepping down and released), then its container reported gone.
	 */
	void stopGracefully() {
		this.kubelet.terminating(this.name);
		this.electors.stop();
		this.kubelet.deletedGracefully(this.name);
	}

	/**
	 * SIGTERM in the packaged application: the pod marked for deletion; Spring Boot's web
	 * context turns readiness to refusing traffic as it starts closing, on which the
	 * election leaves (its readiness gate); then the lifecycle stops it.
	 */
	void stopAsOnSigterm() {
		this.kubelet.terminating(this.name);
		this.electors.leave();
		this.electors.stop();
		this.kubelet.deletedGracefully(this.name);
	}

	@Override
	public void close() {
		if (!this.crashed) {
			this.proxy.mode(FaultProxy.Mode.PASS);
		}
		this.electors.stop();
		this.electors.close();
		this.proxy.close();
	}

}
