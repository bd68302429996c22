package com.example.testleader.events;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.example.testleader.Replica;
import com.example.testleader.WorkLog;
import com.example.testleader.faults.FaultProxy;
import com.example.testleader.local.KubeletStandIn;
import com.example.testleader.local.LocalKubernetesApi;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.example.testleader.Throughout.throughout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes Events on leadership changes, from whole replicas against the in-process API:
 * what is stored, and that a forbidden or slow events API never touches the election.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaseEventsTest {

	private static final String EVENTS = "/api/v1/namespaces/default/events";

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final WorkLog work = new WorkLog(Duration.ofMillis(1));

	private final List<Replica> replicas = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.api.delay((request) -> Duration.ZERO);
		this.replicas.forEach(Replica::close);
		this.admin.close();
		this.api.close();
	}

	@Test
	void becomingLeaderAndAGracefulShutdownAreRecordedOnTheLeaseAsClientGoRecordsThem() {
		Replica replica = startLeader("replica-a");
		String identity = replica.elector().identity();
		String leaseUid = this.admin.leases().inNamespace("default").withName("test-lease").get().getMetadata().getUid();

		await().atMost(Duration.ofSeconds(5)).until(() -> events().size() == 1);
		Event became = events().get(0);
		assertThat(became.getInvolvedObject().getKind()).isEqualTo("Lease");
		assertThat(became.getInvolvedObject().getApiVersion()).isEqualTo("coordination.k8s.io/v1");
		assertThat(became.getInvolvedObject().getName()).isEqualTo("test-lease");
		assertThat(became.getInvolvedObject().getNamespace()).isEqualTo("default");
		assertThat(became.getInvolvedObject().getUid()).isEqualTo(leaseUid);
		assertThat(became.getMetadata().getNamespace()).isEqualTo("default");
		assertThat(became.getMetadata().getName()).startsWith("test-lease.");
		assertThat(became.getType()).isEqualTo("Normal");
		assertThat(became.getReason()).isEqualTo("LeaderElection");
		assertThat(became.getMessage()).isEqualTo(identity + " became leader (fencing token 0)");
		assertThat(became.getSource().getComponent()).isEqualTo("test-leader");
		assertThat(became.getReportingComponent()).isEqualTo("test-leader");
		assertThat(became.getReportingInstance()).isEqualTo(identity);
		assertThat(became.getCount()).isOne();
		assertThat(became.getFirstTimestamp()).isNotBlank().isEqualTo(became.getLastTimestamp());

		replica.close();

		// sent before the replica's context closed: no waiting here
		assertThat(events()).extracting(Event::getMessage)
			.containsExactly(identity + " became leader (fencing token 0)",
					identity + " stopped leading (fencing token 0): released, it left the election (shutting down, or "
							+ "no longer ready); the Lease was released");
		assertThat(events().get(1).getInvolvedObject().getUid()).isEqualTo(leaseUid);
	}

	/**
	 * The leader's process dies and the kubelet reports its container terminated: a
	 * follower takes the Lease before it expires, and its Event says why. (Longer timings
	 * than usual: a take answered too late under load would begin no term.)
	 */
	@Test
	void anEarlyTakeoverIsRecordedWithItsProof() throws IOException {
		String[] timings = { "test-leader.election.lease-duration=10s", "test-leader.election.renew-deadline=6s",
				"test-leader.election.retry-period=1s" };
		try (KubernetesClient admin = this.api.client();
				KubeletStandIn kubelet = new KubeletStandIn(admin, "default", Duration.ofMillis(300));
				FaultProxy network = new FaultProxy(this.api.url())) {
			Replica previous = track(Replica.start("pod-a", network.url(), this.work,
					with(timings, "POD_UID=" + kubelet.podStarted("pod-a"))));
			await().atMost(Duration.ofSeconds(10)).until(() -> previous.elector().leadership().leader());
			String previousIdentity = previous.elector().identity();
			Replica next = track(Replica.start("pod-b", this.api.url(), this.work,
					with(timings, "POD_UID=" + kubelet.podStarted("pod-b"))));
			await().atMost(Duration.ofSeconds(5)).until(() -> events().size() == 1
					&& previousIdentity.equals(next.elector().leadership().holder()));
			// past the rule's margin in the kubelet's whole-second time
			Instant began = previous.elector().leadership().acquireTime().toInstant();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !Instant.now().truncatedTo(ChronoUnit.SECONDS).isBefore(began.plusSeconds(2)));

			// nothing of the old process reaches the API any more, as if it had died
			network.mode(FaultProxy.Mode.DOWN);
			kubelet.exited("pod-a", 137, "OOMKilled");

			await().atMost(Duration.ofSeconds(5)).until(() -> events().size() == 2);
			assertThat(events()).extracting(Event::getMessage)
				.first()
				.isEqualTo(previousIdentity + " became leader (fencing token 0)");
			assertThat(events().get(1).getMessage())
				.startsWith(next.elector().identity() + " became leader (fencing token 1), taking over before the "
						+ "Lease expired: container test-leader of the holder's pod")
				.contains("terminated", "exit code 137, OOMKilled");
			previous.close();
		}
	}

	private static String[] with(String[] properties, String more) {
		String[] all = java.util.Arrays.copyOf(properties, properties.length + 1);
		all[properties.length] = more;
		return all;
	}

	@Test
	void forbiddenEventsAreCountedAndLoggedOnceAndTheLeaderRenewsOnTime(CapturedOutput output) {
		this.api.forbid((path) -> path.startsWith(EVENTS));
		Replica replica = startLeader("replica-a");
		await().atMost(Duration.ofSeconds(5)).until(() -> events(replica, "failed") == 1);
		// a second refusal: its term ends and a new one begins after the yield pause
		replica.elector().yieldLeadership().join();

		await().atMost(Duration.ofSeconds(10)).until(() -> events(replica, "failed") == 3);
		throughout(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
			.until(() -> replica.elector().leadership().leader());
		assertThat(events(replica, "sent")).isZero();
		assertThat(events(replica, "dropped")).isZero();
		assertOnlyRequestedStepDowns(replica);
		assertThat(this.api.calls()).filteredOn((call) -> call.path().startsWith(EVENTS))
			.hasSize(3)
			.allSatisfy((call) -> assertThat(call.status()).isEqualTo(403));
		assertThat(output.getOut()).containsOnlyOnce("Not permitted to record Kubernetes Events");
	}

	/**
	 * Each Event takes eight seconds to be answered, one at a time: with room for one more,
	 * the third change of the replica (its next term, three seconds after it yielded) finds
	 * the queue full and is dropped, while the election goes on as before.
	 */
	@Test
	void aSlowEventsApiDropsEventsAndTheLeaderRenewsOnTime() {
		this.api.delay((request) -> LeaseEventQueueTest.isEventWrite(request) ? Duration.ofSeconds(8) : Duration.ZERO);
		Replica replica = startLeader("replica-a", "test-leader.events.queue-capacity=1",
				"test-leader.events.timeout=10s");
		replica.elector().yieldLeadership().join();

		await().atMost(Duration.ofSeconds(7)).until(() -> events(replica, "dropped") == 1);
		assertThat(replica.elector().leadership().leader()).isTrue();
		throughout(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
			.until(() -> replica.elector().leadership().leader());
		assertOnlyRequestedStepDowns(replica);
		assertThat(events(replica, "sent") + events(replica, "failed")).isZero();
		// the slow Events still in flight and queued are sent once the API answers again
		this.api.delay((request) -> Duration.ZERO);
		await().atMost(Duration.ofSeconds(10)).until(() -> events(replica, "sent") == 2);
		assertThat(events()).extracting(Event::getMessage)
			.containsExactly(replica.elector().identity() + " became leader (fencing token 0)",
					replica.elector().identity() + " stopped leading (fencing token 0): yielded, it handed leadership "
							+ "over on request; the Lease was released");
	}

	/** Every renewal succeeded, and no term ended but by the one yield a test asked for. */
	private static void assertOnlyRequestedStepDowns(Replica replica) {
		MeterRegistry registry = replica.context().getBean(MeterRegistry.class);
		assertThat(Search.in(registry).name("leader.election.renewals").tag("outcome", "success").counter().count())
			.isPositive();
		assertThat(Search.in(registry).name("leader.election.renewals").counters())
			.filteredOn((counter) -> !"success".equals(counter.getId().getTag("outcome")))
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(Search.in(registry).name("leader.election.losses").counters())
			.filteredOn((counter) -> !"yielded".equals(counter.getId().getTag("reason")))
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(Search.in(registry).name("leader.election.losses").tag("reason", "yielded").counter().count())
			.isOne();
	}

	private static double events(Replica replica, String outcome) {
		return replica.context()
			.getBean(MeterRegistry.class)
			.get("leader.election.events")
			.tag("outcome", outcome)
			.counter()
			.count();
	}

	/** The stored leader-election Events, oldest first. */
	private List<Event> events() {
		return this.admin.v1()
			.events()
			.inNamespace("default")
			.list()
			.getItems()
			.stream()
			.filter((event) -> "LeaderElection".equals(event.getReason()))
			.sorted(Comparator.comparing((Event event) -> event.getMetadata().getName()))
			.toList();
	}

	private Replica startLeader(String name, String... properties) {
		Replica replica = track(Replica.start(name, this.api.url(), this.work, properties));
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.elector().leadership().leader());
		return replica;
	}

	private Replica track(Replica replica) {
		this.replicas.add(replica);
		return replica;
	}

}
