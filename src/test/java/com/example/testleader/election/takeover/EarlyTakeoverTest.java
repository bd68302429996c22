package com.example.testleader.election.takeover;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.testleader.election.Candidate;
import com.example.testleader.election.ElectionHarness;
import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.RunningWork;
import com.example.testleader.election.StepDownReason;
import com.example.testleader.election.Timeline.Kind;
import com.example.testleader.faults.FaultProxy;
import com.example.testleader.local.KubeletStandIn;
import com.example.testleader.local.LocalKubernetesApi;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Taking over before the lease expires, against the in-process API with a kubelet
 * stand-in: only on the kubelet's proof that the holder's process is gone, never on
 * anything less.
 */
@ExtendWith(OutputCaptureExtension.class)
class EarlyTakeoverTest extends ElectionHarness {

	private static final String PODS_LIST = "/api/v1/namespaces/default/pods?";

	private static final Duration RETRY = Candidate.TIMINGS.retryPeriod();

	private final KubeletStandIn kubelet = new KubeletStandIn(admin(), "default", Duration.ofMillis(300));

	private final ScheduledExecutorService podEvents = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopTheKubelet() {
		this.podEvents.shutdownNow();
		this.kubelet.close();
	}

	@Test
	void aKilledHolderReportedTerminatedIsSucceededBeforeItsLeaseExpires() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		crash(leader);
		this.kubelet.exited("pod-a", 137, "OOMKilled");

		assertSucceededEarly(leader, follower);
	}

	@Test
	void aHolderWhoseContainerRestartedIsSucceededBeforeItsLeaseExpires() {
		String uid = this.kubelet.podStarted("pod-a");
		Candidate first = inPod("replica-a", "pod-a", uid);
		awaitSoleLeader(List.of(first));
		awaitTermOlderThanTheMargin();

		crash(first);
		this.kubelet.restarted("pod-a");
		// the restarted container's new process takes over once the kubelet reports the restart
		Candidate restarted = inPod("replica-a (restarted)", "pod-a", uid);

		assertSucceededEarly(first, restarted);
	}

	@Test
	void aFollowerSeesTheHoldersContainerRestartedAndSucceedsItBeforeTheLeaseExpires() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		crash(leader);
		this.kubelet.restarted("pod-a");

		assertSucceededEarly(leader, follower);
	}

	@Test
	void aGracefullyDeletedHolderPodIsSucceededBeforeItsLeaseExpires() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		crash(leader);
		this.kubelet.deletedGracefully("pod-a");

		assertSucceededEarly(leader, follower);
	}

	@Test
	void aForceDeletedHolderPodLastSeenRunningIsWaitedOut() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		// the object is gone, but its container may still run
		this.kubelet.forceDeleted("pod-a");
		crash(leader);

		assertWaitedOut(leader, follower);
	}

	@Test
	void aHolderWhoseNodeIsLostIsWaitedOut() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		// the node is gone with the kubelet: nothing is ever reported
		crash(leader);

		assertWaitedOut(leader, follower);
	}

	@Test
	void aPodRecreatedUnderTheHoldersNameIsNoProof() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		// a StatefulSet recreates pod-a (new UID) while the old one runs on a cut-off node
		this.kubelet.forceDeleted("pod-a");
		crash(leader);
		this.kubelet.podStarted("pod-a");
		this.kubelet.exited("pod-a", 1, "Error");

		assertWaitedOut(leader, follower);
	}

	@Test
	void aHolderCutOffFromTheApiIsWaitedOutAndStepsDownFirst() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		// alive, only partitioned: the kubelet reports it running, as it is
		leader.proxy().mode(FaultProxy.Mode.BLACKHOLE);

		awaitSoleLeader(List.of(follower));
		long lastRenewal = lastRenewal(leader);
		assertThat(Duration.ofNanos(grantedTo(follower) - lastRenewal)).isGreaterThanOrEqualTo(LEASE);
		assertThat(this.timeline.last(leader.name(), Kind.LOST).orElseThrow().detail())
			.isEqualTo(StepDownReason.RENEW_DEADLINE);
	}

	/**
	 * The follower hears nothing for longer than a lease while the leader renews on: by
	 * what it saw before, on its own clock, the lease has expired. When it comes back it
	 * must judge the Lease as it is now (renewed since), not take it on that old view.
	 */
	@Test
	void aFollowerCutOffFromTheApiDoesNotTakeALiveHoldersLeaseWhenItComesBack() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		follower.proxy().mode(FaultProxy.Mode.BLACKHOLE);
		long cutOff = System.nanoTime();
		// past a lease with nothing seen, while the leader's renewals keep landing
		await().atMost(LEASE.multipliedBy(3))
			.until(() -> follower.elector().leadership().renewalAge().compareTo(LEASE.plus(RETRY)) > 0
					&& this.timeline.last(leader.name(), Kind.RENEWED)
						.map((renewal) -> renewal.nanos() - cutOff > LEASE.plus(RETRY).toNanos())
						.orElse(false));
		assertThat(follower.elector().leadership().leader()).isFalse();
		follower.proxy().mode(FaultProxy.Mode.PASS);

		throughout(LEASE.multipliedBy(2))
			.atMost(LEASE.multipliedBy(3))
			.until(() -> this.timeline.leaders().equals(java.util.Set.of(leader.name())));
		assertThat(this.timeline.entries()).filteredOn((e) -> e.candidate().equals(follower.name()))
			.noneMatch((e) -> e.kind() == Kind.GRANTED);
	}

	/**
	 * The Lease's metadata changes after the holder's last write (the receiver's acceptance,
	 * {@code kubectl label}), then the holder dies, while the pods keep changing (a busy
	 * namespace: an event every few hundred milliseconds). Each event makes the follower
	 * try to take the Lease; it must do so over the version it is now, not the one it saw
	 * renewed, and the role must get a leader while the events go on.
	 */
	@Test
	void aLabelledLeaseOfADeadHolderIsTakenWhilePodEventsKeepComing() {
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");
		this.kubelet.podStarted("pod-c");

		crash(leader);
		await().atMost(LEASE).ignoreExceptions().until(() -> {
			editLease((lease) -> {
				Map<String, String> labels = new HashMap<>(
						Optional.ofNullable(lease.getMetadata().getLabels()).orElse(Map.of()));
				labels.put("team", "a");
				lease.getMetadata().setLabels(labels);
			});
			return true;
		});
		podEventsEvery("pod-c", Duration.ofMillis(300));
		this.kubelet.exited("pod-a", 137, "OOMKilled");

		assertSucceededEarly(leader, follower);
	}

	/**
	 * The replicas may not list pods when they start (the RoleBinding comes a minute after
	 * the Deployment); once they may, they watch the pods again after their backoff, and a
	 * crashed leader is again succeeded early.
	 */
	@Test
	void podsRefusedAtStartAndAllowedLaterAreWatchedAgainAfterTheBackoff() {
		server().forbid((path) -> path.startsWith(PODS_LIST));
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");
		await().atMost(LEASE).until(() -> podLists().stream().filter((call) -> call.status() == 403).count() >= 2);

		long allowed = System.nanoTime();
		server().forbid((path) -> false);
		// both list again (a lease after their refusal) and are answered
		await().atMost(LEASE.multipliedBy(3))
			.until(() -> podLists().stream()
				.filter((call) -> call.receivedAtNanos() > allowed && call.succeeded())
				.count() >= 2);

		crash(leader);
		this.kubelet.exited("pod-a", 137, "OOMKilled");

		assertSucceededEarly(leader, follower);
	}

	/**
	 * A second process of the application in the leader's own container ({@code kubectl
	 * exec}, with the container's environment): the same pod and container, another
	 * identity. That proves nothing about the leader.
	 */
	@Test
	void aSecondProcessInTheLeadersOwnContainerDoesNotTakeItsLease() {
		String uid = this.kubelet.podStarted("pod-a");
		Candidate leader = inPod("replica-a", "pod-a", uid);
		awaitSoleLeader(List.of(leader));
		awaitTermOlderThanTheMargin();

		Candidate exec = inPod("replica-a (exec)", "pod-a", uid);
		await().atMost(LEASE).until(() -> leader.identity().equals(exec.elector().leadership().holder()));

		throughout(LEASE.multipliedBy(2))
			.atMost(LEASE.multipliedBy(3))
			.until(() -> this.timeline.leaders().equals(java.util.Set.of(leader.name()))
					&& leader.identity().equals(exec.elector().leadership().holder()));
	}

	/**
	 * A backup of the Lease is written back (etcd restore, {@code kubectl apply} of a saved
	 * manifest): it names a holder whose container has restarted since, so the kubelet's
	 * report proves that holder gone, but the live leader's term is newer. Its fencing token
	 * is below the one seen: it is waited out like any other write.
	 */
	@Test
	void aRestoredRecordNamingAGoneHolderIsWaitedOut() {
		String oldUid = this.kubelet.podStarted("pod-x");
		this.kubelet.restarted("pod-x");
		Candidate first = leaderInPod("pod-a");
		List<Candidate> others = List.of(followerInPod("pod-b"), followerInPod("pod-c"));
		first.elector().yieldLeadership().join();
		awaitSoleLeader(others);

		String gone = "pod-x_deadbeef";
		long[] restored = new long[1];
		await().atMost(LEASE).ignoreExceptions().until(() -> {
			restored[0] = editLease((lease) -> {
				lease.getSpec().setHolderIdentity(gone);
				lease.getSpec().setLeaseTransitions(0);
				lease.getSpec().setAcquireTime(ZonedDateTime.now().minusMinutes(5));
				lease.getMetadata()
					.getAnnotations()
					.put(HolderPod.ANNOTATION, gone + " " + oldUid + " test-leader "
							+ java.time.Instant.now().minusSeconds(300));
			});
			return true;
		});

		await().atMost(LEASE.multipliedBy(4))
			.until(() -> this.timeline.entries().stream().filter((e) -> e.kind() == Kind.GRANTED).count() == 3);
		long next = this.timeline.entries()
			.stream()
			.filter((e) -> e.kind() == Kind.GRANTED)
			.skip(2)
			.findFirst()
			.orElseThrow()
			.nanos();
		assertThat(Duration.ofNanos(next - restored[0])).isGreaterThanOrEqualTo(LEASE);
	}

	/**
	 * Without permission to list and watch pods, nothing proves a holder gone: the crashed
	 * leader is waited out, and the replicas do not keep asking for what they may not read.
	 */
	@Test
	void withoutPermissionOnPodsACrashedLeaderIsWaitedOutAsBefore(CapturedOutput output) {
		// the replicas may not list or watch pods (the kubelet stand-in still writes them)
		server().forbid((path) -> path.startsWith(PODS_LIST));
		Candidate leader = leaderInPod("pod-a");
		Candidate follower = followerInPod("pod-b");

		crash(leader);
		this.kubelet.exited("pod-a", 137, "OOMKilled");

		assertWaitedOut(leader, follower);
		// each replica asks again only after a lease, then after twice as long, and so on
		List<LocalKubernetesApi.ApiCall> lists = podLists();
		assertThat(lists).allSatisfy((call) -> assertThat(call.status()).isEqualTo(403));
		long first = lists.get(0).receivedAtNanos();
		long last = lists.get(lists.size() - 1).receivedAtNanos();
		long retries = 0;
		for (long wait = LEASE.toNanos(), waited = wait; waited <= last - first; wait *= 2, waited += wait) {
			retries++;
		}
		assertThat(lists).hasSizeLessThanOrEqualTo(2 * (1 + (int) retries));
		// refused again on each retry, but said once per replica
		await().atMost(LEASE.multipliedBy(2)).until(() -> podLists().size() >= 4);
		assertThat(output.getAll().split("may not list and watch pods", -1)).hasSize(3);
	}

	private List<LocalKubernetesApi.ApiCall> podLists() {
		return server().calls().stream().filter((call) -> call.path().startsWith(PODS_LIST)).toList();
	}

	/** Changes {@code podName} every {@code period} (an annotation), until the test ends. */
	private void podEventsEvery(String podName, Duration period) {
		AtomicLong count = new AtomicLong();
		this.podEvents.scheduleAtFixedRate(() -> admin().pods()
			.inNamespace("default")
			.withName(podName)
			.edit((pod) -> new PodBuilder(pod).editMetadata()
				.addToAnnotations("example.com/tick", Long.toString(count.incrementAndGet()))
				.endMetadata()
				.build()), 0, period.toNanos(), TimeUnit.NANOSECONDS);
	}

	private Candidate leaderInPod(String podName) {
		Candidate leader = inPod(podName);
		awaitSoleLeader(List.of(leader));
		return leader;
	}

	/**
	 * A follower in a pod of its own, once it knows who leads and the leader's term is
	 * older than the rule's margin in the kubelet's whole-second time (a holder that dies
	 * within it is waited out: a case of its own).
	 */
	private Candidate followerInPod(String podName) {
		Candidate follower = inPod(podName);
		await().atMost(LEASE).until(() -> follower.elector().leadership().holder() != null);
		awaitTermOlderThanTheMargin();
		return follower;
	}

	/** A candidate in a pod of its own, started by the kubelet stand-in. */
	private Candidate inPod(String podName) {
		return inPod(podName, podName, this.kubelet.podStarted(podName));
	}

	private Candidate inPod(String name, String podName, String uid) {
		Candidate candidate = track(Candidate.create(name, podName, uid, api(), this.timeline, Clock.systemUTC(),
				Candidate.NO_LISTENER, Candidate.TIMINGS, ElectionObserver.NONE, RunningWork.NONE));
		candidate.elector().start();
		candidate.elector().join();
		return candidate;
	}

	private void awaitTermOlderThanTheMargin() {
		ZonedDateTime began = lease().getSpec().getAcquireTime();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !ZonedDateTime.now().withNano(0).isBefore(began.plus(ProcessGone.MARGIN).plusSeconds(1)));
	}

	/** The process dies: no more requests, its work over. */
	private void crash(Candidate candidate) {
		candidate.crash();
	}

	/** Without proof, nobody takes the Lease sooner than a lease duration after its last renewal. */
	private void assertSucceededEarly(Candidate holder, Candidate successor) {
		awaitSoleLeader(List.of(successor));
		long lastRenewal = lastRenewal(holder);
		assertThat(Duration.ofNanos(grantedTo(successor) - lastRenewal)).isLessThan(LEASE);
	}

	private void assertWaitedOut(Candidate leader, Candidate follower) {
		awaitSoleLeader(List.of(follower));
		long lastRenewal = lastRenewal(leader);
		assertThat(Duration.ofNanos(grantedTo(follower) - lastRenewal)).isGreaterThanOrEqualTo(LEASE);
	}

	private long grantedTo(Candidate candidate) {
		return this.timeline.last(candidate.name(), Kind.GRANTED).orElseThrow().nanos();
	}

}
