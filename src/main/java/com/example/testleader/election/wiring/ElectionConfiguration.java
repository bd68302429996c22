package com.example.testleader.election.wiring;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.leader.event.DefaultLeaderEventPublisher;
import org.springframework.integration.leader.event.LeaderEventPublisher;

import com.example.testleader.election.Cadence;
import com.example.testleader.election.ElectionLoop;
import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.HolderProcess;
import com.example.testleader.election.LeaderChanged;
import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.LeaderEvents;
import com.example.testleader.election.LeaseApi;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.PodIdentity;
import com.example.testleader.election.RunningWork;
import com.example.testleader.election.Ticker;
import com.example.testleader.election.roles.ElectedRoles;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.election.roles.RoleBalancer;
import com.example.testleader.election.takeover.EarlyTakeover;
import com.example.testleader.election.takeover.HolderPod;
import com.example.testleader.election.takeover.PodWatch;

/**
 * Wires the Lease election. The fabric8 client {@link Config} comes from Spring Cloud
 * Kubernetes, which provides it only when the application runs in Kubernetes (or
 * {@code spring.main.cloud-platform=kubernetes}); without it the application refuses to
 * start rather than elect itself against nothing. Nor does it start with a revocation
 * listener that could return before its work has stopped ({@link SynchronousRevocations}).
 * <p>
 * Internal: for the election's own packages.
 */
@Configuration(proxyBeanMethods = false)
public class ElectionConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ElectionConfiguration.class);

	@Bean
	LeaderEventPublisher leaderEventPublisher(ApplicationEventPublisher publisher) {
		return new DefaultLeaderEventPublisher(publisher);
	}

	@Bean
	SynchronousRevocations synchronousRevocations(ConfigurableListableBeanFactory beanFactory,
			ApplicationEventPublisher publisher) {
		return new SynchronousRevocations(beanFactory, publisher);
	}

	/**
	 * One elector per role, sharing the client, the pod watch and the observers; every
	 * role's revocation listeners and running work are the application's.
	 */
	@Bean
	Electors electors(LeaderElectionProperties properties, ObjectProvider<Config> kubernetesConfig,
			Environment environment, LeaderEventPublisher leaderEvents, ApplicationEventPublisher applicationEvents,
			ObjectProvider<ElectionObserver> observers, ObjectProvider<EarlyTakeoverProperties> earlyTakeover,
			ObjectProvider<RunningWork> work, ObjectProvider<ElectedRoles> roles) {
		Config config = kubernetesConfig.getIfAvailable();
		if (config == null) {
			throw new NoKubernetesApiException();
		}
		Cadence cadence = new Cadence(properties);
		requireShutdownPhaseForTheLeave(cadence, environment);
		PodIdentity pod = PodIdentity.resolve(properties, environment, config);
		EarlyTakeoverProperties early = earlyTakeover.getIfAvailable(
				() -> new EarlyTakeoverProperties(true, "app.kubernetes.io/name=test-leader", "test-leader"));
		logWhyEarlyTakeoverIsOff(early, pod);
		RunningWork running = (role) -> work.orderedStream()
			.map((each) -> each.stillRunning(role))
			.flatMap(Optional::stream)
			.findFirst();
		return electors(ElectedRoles.of(roles, properties), cadence,
				pod, electionClient(config, cadence), early, new Publishers(leaderEvents, applicationEvents),
				ElectionObserver.all(observers.orderedStream().toList()), running, Clock.systemUTC(), Ticker.SYSTEM);
	}

	/**
	 * The electors of {@code roles} for the replica {@code pod}, on {@code client} (closed
	 * with them), and with several roles the balancer that spreads them over the replicas.
	 */
	public static Electors electors(ElectedRoles roles, Cadence cadence, PodIdentity pod,
			KubernetesClient client, EarlyTakeoverProperties early, Publishers publishers, ElectionObserver observer,
			RunningWork running, Clock clock, Ticker ticker) {
		PodWatch pods = new PodWatch(client, pod.namespace(), early.podSelector(),
				cadence.timings().leaseDuration());
		Map<String, LeaseElector> byRole = new LinkedHashMap<>();
		for (String role : roles.names()) {
			byRole.put(role,
					new LeaseElector(new LeaseApi(client, pod.namespace(), role), pod.holderIdentity(), cadence,
							new LeaderEvents(publishers.leader(), publishers.application()), observer, clock, ticker,
							earlyTakeover(early, pod, pods), running));
		}
		// With one role nothing is balanced, but where the pods are watched anyway (early
		// takeover), a leave during a rollout hands the role to the newest revision.
		boolean podsWatched = early.enabled() && pod.podUid() != null;
		RoleBalancer balancer = (byRole.size() > 1 || podsWatched)
				? new RoleBalancer(byRole, pod, pods, cadence, ticker) : null;
		return new Electors(byRole, cadence.timings().leaseName(), balancer, client::close);
	}

	/**
	 * Where the electors publish: Spring Integration's leader events, and the
	 * application's ({@link LeaderChanged}).
	 */
	public record Publishers(LeaderEventPublisher leader, ApplicationEventPublisher application) {
	}

	/**
	 * Early takeover needs to know this process's pod (POD_UID); where it does not, or
	 * where it is switched off, every holder is waited out as before.
	 */
	public static HolderProcess earlyTakeover(EarlyTakeoverProperties properties, PodIdentity pod, PodWatch pods) {
		return (properties.enabled() && pod.podUid() != null)
				? new EarlyTakeover(new HolderPod(pod.holderIdentity(), pod.podUid(), properties.container(), null), pods)
				: HolderProcess.NONE;
	}

	private static void logWhyEarlyTakeoverIsOff(EarlyTakeoverProperties properties, PodIdentity pod) {
		if (!properties.enabled()) {
			log.info("Early takeover is off (test-leader.election.early-takeover.enabled=false): a crashed leader's "
					+ "lease is waited out");
		}
		else if (pod.podUid() == null) {
			log.info("Early takeover is off: POD_UID is not set (give it from the downward API, fieldPath "
					+ "metadata.uid), so this replica cannot name its pod; a crashed leader's lease is waited out");
		}
	}

	/**
	 * Spring gives up on a lifecycle phase that takes longer than
	 * {@code spring.lifecycle.timeout-per-shutdown-phase} and closes the context under it:
	 * the election's own client would close under a release still in flight. The phase
	 * must outlast the longest graceful leave.
	 */
	static void requireShutdownPhaseForTheLeave(Cadence cadence, Environment environment) {
		Duration phase = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		// the leave, then the election's loop given time to finish a step it interrupted
		Duration leave = cadence.leaveTimeout().plus(ElectionLoop.STOP_WAIT);
		if (phase.compareTo(leave) < 0) {
			throw new IllegalArgumentException("spring.lifecycle.timeout-per-shutdown-phase (" + phase
					+ ") must be at least the election's longest graceful leave and shut-down (" + leave + ", from "
					+ "test-leader.election.*): a shorter phase closes the application while the Lease is being "
					+ "released");
		}
	}

	/**
	 * The election's own client, built from the shared configuration. It is closed after
	 * the release, not by Spring Cloud Kubernetes on {@code ContextClosedEvent} (which comes
	 * before the lifecycle stops, and is why its own initiator fails to release on
	 * SIGTERM). The client's own retries are off, and its timeouts match the longest call
	 * the elector waits for, so abandoned calls free their connection soon.
	 */
	public static KubernetesClient electionClient(Config shared, Cadence cadence) {
		int callMillis = Math.toIntExact(cadence.callTimeout().toMillis());
		Config config = new ConfigBuilder(shared).withRequestRetryBackoffLimit(0)
			.withRequestTimeout(callMillis)
			.withConnectionTimeout(callMillis)
			.build();
		return new KubernetesClientBuilder().withConfig(config).build();
	}

}
