package com.example.testleader.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.election.ElectionObserver;
import com.example.testleader.election.LeaderTerm;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.task.CriticalWork;

import org.springframework.context.ApplicationListener;
import org.springframework.integration.leader.event.OnRevokedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health, info, metrics and the two operator endpoints, over HTTP, on running replicas. */
class ObservabilityTest {

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final WorkLog work = new WorkLog(Duration.ofMillis(100));

	private final List<Replica> replicas = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.replicas.forEach(Replica::close);
		this.api.close();
	}

	@Test
	void healthShowsTheRoleOfEachReplicaAndBothAreUp() {
		Replica leader = startLeader("replica-a");
		Replica follower = startFollowerOf(leader, "replica-b");

		Http.Response leaderHealth = Http.get(leader.management() + "/actuator/health");
		assertThat(leaderHealth.status()).isEqualTo(200);
		assertThat((String) leaderHealth.json("$.components.leader.status")).isEqualTo("UP");
		assertThat((String) leaderHealth.json("$.components.leader.details.role")).isEqualTo("leader");
		assertThat((String) leaderHealth.json("$.components.leader.details.identity")).isEqualTo(identity(leader));
		assertThat((String) leaderHealth.json("$.components.leader.details.holder")).isEqualTo(identity(leader));
		assertThat((String) leaderHealth.json("$.components.leader.details.lease")).isEqualTo("default/test-lease");
		assertThat((Integer) leaderHealth.json("$.components.leader.details.fencingToken")).isZero();
		assertThat((String) leaderHealth.json("$.components.leader.details.lastRenewal")).isNotBlank();
		assertThat((String) leaderHealth.json("$.components.criticalWork.status")).isEqualTo("UP");
		assertThat((Boolean) leaderHealth.json("$.components.criticalWork.details.leading")).isTrue();
		assertThat((String) leaderHealth.json("$.components.criticalWork.details.sinceLastSuccess")).isNotBlank();

		Http.Response followerHealth = Http.get(follower.management() + "/actuator/health");
		assertThat(followerHealth.status()).isEqualTo(200);
		assertThat((String) followerHealth.json("$.status")).isEqualTo("UP");
		assertThat((String) followerHealth.json("$.components.leader.status")).isEqualTo("UP");
		assertThat((String) followerHealth.json("$.components.leader.details.role")).isEqualTo("follower");
		assertThat((String) followerHealth.json("$.components.leader.details.holder")).isEqualTo(identity(leader));
		assertThat((String) followerHealth.json("$.components.leader.details.lastObservation")).isNotBlank();
		assertThat((String) followerHealth.json("$.components.criticalWork.status")).isEqualTo("UP");
		assertThat((Boolean) followerHealth.json("$.components.criticalWork.details.leading")).isFalse();

		for (Replica replica : List.of(leader, follower)) {
			Http.Response liveness = Http.get(replica.management() + "/actuator/health/liveness");
			assertThat(liveness.status()).isEqualTo(200);
			// failing work is not cured by a restart: it stays out of liveness
			Map<String, Object> components = liveness.json("$.components");
			assertThat(components).containsOnlyKeys("leader", "livenessState");
			assertThat(Http.get(replica.management() + "/actuator/health/readiness").status()).isEqualTo(200);
			assertThat(Http.get(replica.application() + "/actuator/health").status()).isEqualTo(404);
		}
	}

	@Test
	void infoNamesTheActualLeaderOnEveryReplica() {
		Replica leader = startLeader("replica-a");
		Replica follower = startFollowerOf(leader, "replica-b");

		for (Replica replica : List.of(leader, follower)) {
			Http.Response info = Http.get(replica.management() + "/actuator/info");
			assertThat((String) info.json("$.leaderElection.leaderId")).isEqualTo(identity(leader));
			assertThat((Boolean) info.json("$.leaderElection.isLeader")).isEqualTo(replica == leader);
			assertThat((String) info.json("$.leaderElection.role")).isEqualTo("test-lease");
			assertThat((String) info.json("$.leaderElection.identity")).isEqualTo(identity(replica));
			assertThat((String) info.json("$.leaderElection.namespace")).isEqualTo("default");
			assertThat((Integer) info.json("$.leaderElection.leaseTransitions")).isZero();
			assertThat((Integer) info.json("$.leaderElection.leaseDurationSeconds")).isEqualTo(3);
			assertThat((String) info.json("$.leaderElection.acquireTime")).isNotBlank();
			assertThat((String) info.json("$.leaderElection.renewTime")).isNotBlank();
			assertThat((String) info.json("$.build.artifact")).isEqualTo("test-leader");
		}
	}

	@Test
	void prometheusShowsTheLeaderGaugeAndCountersWithApplicationAndPodTags() {
		Replica leader = startLeader("replica-a");
		Replica follower = startFollowerOf(leader, "replica-b");
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.work.runsOf("replica-a").isEmpty());

		String leaderMetrics = Http.get(leader.management() + "/actuator/prometheus").body();
		assertThat(leaderMetrics)
			.contains("leader_election_master_status{application=\"test-leader\",name=\"test-lease\",pod=\"replica-a\"} 1.0")
			.contains("leader_election_acquisitions_total{application=\"test-leader\",name=\"test-lease\",pod=\"replica-a\"} 1.0")
			.containsPattern("leader_election_renewals_total\\{.*outcome=\"success\".*} [1-9]")
			.containsPattern("critical_task_runs_total\\{.*outcome=\"success\".*} [1-9]")
			.contains("critical_task_duration_seconds_count")
			.contains("leader_election_fencing_token{application=\"test-leader\",name=\"test-lease\",pod=\"replica-a\"} 0.0")
			.contains("leader_election_last_renewal_age_seconds")
			.containsPattern("critical_task_last_success_age_seconds\\{application=\"test-leader\",pod=\"replica-a\","
					+ "role=\"test-lease\"} [0-9][0-9.E-]*\n")
			.contains("critical_task_period_seconds{application=\"test-leader\",pod=\"replica-a\",role=\"test-lease\"} 0.15");
		String followerMetrics = Http.get(follower.management() + "/actuator/prometheus").body();
		assertThat(followerMetrics)
			.contains("critical_task_last_success_age_seconds{application=\"test-leader\",pod=\"replica-b\","
					+ "role=\"test-lease\"} NaN")
			.contains("leader_election_master_status{application=\"test-leader\",name=\"test-lease\",pod=\"replica-b\"} 0.0")
			.contains("leader_election_acquisitions_total{application=\"test-leader\",name=\"test-lease\",pod=\"replica-b\"} 0.0");
		// what promtool check metrics asks of each family: a help text
		assertThat(familiesWithoutHelp(leaderMetrics)).isEmpty();
		assertThat(familiesWithoutHelp(followerMetrics)).isEmpty();
	}

	/** This service's metric families ({@code leader_election_*}, {@code critical_task_*}) with no help text. */
	private static List<String> familiesWithoutHelp(String scrape) {
		List<String> lines = scrape.lines().toList();
		return lines.stream()
			.filter((line) -> line.startsWith("# TYPE leader_election_") || line.startsWith("# TYPE critical_task_"))
			.map((line) -> line.split(" ")[2])
			.filter((family) -> lines.stream()
				.noneMatch((line) -> line.startsWith("# HELP " + family + " ")
						&& !line.substring(("# HELP " + family + " ").length()).isBlank()))
			.toList();
	}

	@Test
	void theShutdownEndpointStopsTheWorkBeforeTheReleaseAndLeadershipMoves() {
		Replica leader = startLeader("replica-a");
		startFollowerOf(leader, "replica-b");

		assertThat(Http.post(leader.management() + "/actuator/shutdown").status()).isEqualTo(200);

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.work.runsOf("replica-b").isEmpty());
		assertThat(this.api.firstRelease().orElseThrow().receivedAtNanos())
			.isGreaterThan(this.work.lastRunOf("replica-a").endNanos());
		assertThat(leader.isRunning()).isFalse();
		this.work.assertNoOverlap();
	}

	@Test
	void theLeadershipEndpointMovesLeadershipAndTheOldLeaderKeepsCompeting() {
		Replica leader = startLeader("replica-a");
		Replica follower = startFollowerOf(leader, "replica-b");

		Http.Response onFollower = Http.post(follower.management() + "/actuator/leadership");
		assertThat(onFollower.status()).isEqualTo(409);
		assertThat((String) onFollower.json("$.leader")).isEqualTo(identity(leader));

		assertThat(Http.post(leader.management() + "/actuator/leadership").status()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(10)).until(() -> follower.elector().leadership().leader());
		assertThat(this.api.firstRelease().orElseThrow().receivedAtNanos())
			.isGreaterThan(this.work.lastRunOf("replica-a").endNanos());
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat((String) Http.get(leader.management() + "/actuator/leadership").json("$.holder"))
				.isEqualTo(identity(follower)));
		follower.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> leader.elector().leadership().leader());
		this.work.assertNoOverlap();
	}

	@Test
	void livenessGoesDownWhileTheElectionLoopIsStuckAndComesBack() throws Exception {
		AtomicBoolean stall = new AtomicBoolean();
		CountDownLatch release = new CountDownLatch(1);
		ElectionObserver stalling = new ElectionObserver() {
			@Override
			public void renewal(LeaderTerm term, RenewalOutcome outcome) {
				if (stall.get()) {
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}
		};
		Replica replica = track(Replica.start("replica-a", this.api.url(), this.work,
				(context) -> context.getBeanFactory().registerSingleton("stallingObserver", stalling), Replica.WEB));
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
		String liveness = replica.management() + "/actuator/health/liveness";

		stall.set(true);
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(liveness).status() == 503);
			assertThat((String) Http.get(liveness).json("$.components.leader.status")).isEqualTo("DOWN");
			assertThat(Http.get(replica.management() + "/actuator/health/readiness").status()).isEqualTo(200);
		}
		finally {
			stall.set(false);
			release.countDown();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(liveness).status() == 200);
	}

	@Test
	void livenessGoesDownWhileARevokedRunIgnoresItsInterruptionAndComesBackOnceItEnds() throws Exception {
		AtomicBoolean stuck = new AtomicBoolean();
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CriticalWork stubborn = (term) -> {
			while (stuck.get()) {
				blocked.countDown();
				try {
					release.await();
					return;
				}
				catch (InterruptedException ex) {
					// ignored on purpose: this is the work that does not stop
				}
			}
		};
		Replica replica = track(Replica.start("replica-a", this.api.url(), this.work,
				(context) -> context.getBeanFactory().registerSingleton("stubbornWork", stubborn), Replica.WEB));
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
		long token = replica.elector().leadership().fencingToken();
		String liveness = replica.management() + "/actuator/health/liveness";

		stuck.set(true);
		try {
			assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
			// the replica steps down, but its work does not stop: the Lease is not released
			Http.Response handover = Http.post(replica.management() + "/actuator/leadership");
			assertThat(handover.status()).isEqualTo(503);
			assertThat((String) handover.json("$.message")).contains("could not be released");
			await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(liveness).status() == 503);
			Http.Response down = Http.get(liveness);
			assertThat((String) down.json("$.components.leader.status")).isEqualTo("DOWN");
			List<Integer> ignoring = down.json("$.components.leader.details.workIgnoringInterruption");
			assertThat(ignoring).containsExactly((int) token);
		}
		finally {
			release.countDown();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(liveness).status() == 200);
	}

	/**
	 * Another bean's revocation listener hangs, so this replica's next grant waits behind
	 * it: the elector leads, the scheduler has not been told. The work must show as
	 * overdue, not as a follower's.
	 */
	@Test
	void aLeaderWhoseGrantIsHeldUpShowsItsWorkOverdue() {
		AtomicBoolean hang = new AtomicBoolean();
		CountDownLatch release = new CountDownLatch(1);
		ApplicationListener<OnRevokedEvent> slow = (event) -> {
			if (hang.get()) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		};
		Replica replica = track(Replica.start("replica-a", this.api.url(), this.work,
				(context) -> context.getBeanFactory().registerSingleton("slowRevocationListener", slow), Replica.WEB));
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
		String health = replica.management() + "/actuator/health";

		hang.set(true);
		try {
			replica.elector().yieldLeadership();
			// after the yield pause it takes the Lease again; the grant waits behind the revocation
			await().atMost(Duration.ofSeconds(15))
				.until(() -> replica.elector().leadership().leader()
						&& "DOWN".equals(Http.get(health).json("$.components.criticalWork.status")));
			Http.Response down = Http.get(health);
			assertThat((Boolean) down.json("$.components.criticalWork.details.leading")).isTrue();
			assertThat((Boolean) down.json("$.components.criticalWork.details.overdue")).isTrue();
		}
		finally {
			release.countDown();
		}
	}

	private Replica startLeader(String name) {
		Replica replica = track(Replica.start(name, this.api.url(), this.work, Replica.WEB));
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
		return replica;
	}

	private Replica startFollowerOf(Replica leader, String name) {
		Replica replica = track(Replica.start(name, this.api.url(), this.work, Replica.WEB));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> identity(leader).equals(replica.elector().leadership().holder()));
		return replica;
	}

	private Replica track(Replica replica) {
		this.replicas.add(replica);
		return replica;
	}

	private static String identity(Replica replica) {
		return replica.elector().identity();
	}

}
