package com.example.testleader.election;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;

import com.example.testleader.election.Timeline.Kind;
import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every election test needs: candidates on one {@link Timeline}, an operator's
 * client, and the check, after every test, that no two critical windows overlapped.
 * Timings are shortened (lease 3 s, renew deadline 2 s, retry 0.5 s).
 * <p>
 * Public for the tests of the election's other packages.
 */
public abstract class ElectionHarness {

	public static final Duration LEASE = Candidate.TIMINGS.leaseDuration();

	protected final Timeline timeline = new Timeline();

	private final List<Candidate> candidates = new ArrayList<>();

	// closed once the candidates are: what their events drove
	private final List<AutoCloseable> closedAfterCandidates = new ArrayList<>();

	private LocalKubernetesApi inProcess;

	private KubernetesClient inProcessAdmin;

	/**
	 * Client configuration of the API under test: fabric8's in-process API unless a
	 * subclass names another (a real cluster).
	 */
	protected Config api() {
		return server().clientConfig();
	}

	/** A client standing for an operator or another program. */
	protected KubernetesClient admin() {
		server();
		return this.inProcessAdmin;
	}

	/** The in-process API, started on first use, closed after the test. */
	protected LocalKubernetesApi server() {
		if (this.inProcess == null) {
			this.inProcess = LocalKubernetesApi.start(0);
			this.inProcessAdmin = this.inProcess.client();
		}
		return this.inProcess;
	}

	protected Candidate start(String podName) {
		return track(Candidate.start(podName, api(), this.timeline));
	}

	protected Candidate start(String name, String podName, Clock clock) {
		return track(Candidate.start(name, podName, api(), this.timeline, clock, Candidate.NO_LISTENER));
	}

	protected Candidate track(Candidate candidate) {
		this.candidates.add(candidate);
		return candidate;
	}

	@AfterEach
	public void noTwoCriticalWindowsOverlapped() {
		try {
			this.timeline.assertNoOverlap();
		}
		finally {
			this.candidates.forEach(Candidate::close);
			closeAll(this.closedAfterCandidates);
			try {
				afterScenario();
			}
			finally {
				if (this.inProcess != null) {
					this.inProcessAdmin.close();
					this.inProcess.close();
				}
			}
		}
	}

	/** Closes {@code closeable} after the test, once every candidate is closed. */
	protected <T extends AutoCloseable> T closeAfterCandidates(T closeable) {
		this.closedAfterCandidates.add(closeable);
		return closeable;
	}

	private static void closeAll(List<AutoCloseable> closeables) {
		for (AutoCloseable closeable : closeables) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not close " + closeable, ex);
			}
		}
	}

	/** Runs after every candidate is closed. */
	protected void afterScenario() {
	}

	/**
	 * Edits the Lease as an operator would (with its resourceVersion); returns the moment
	 * just before the edit was sent.
	 */
	protected long editLease(java.util.function.Consumer<Lease> edit) {
		Lease lease = lease();
		edit.accept(lease);
		long sent = System.nanoTime();
		admin().leases().inNamespace("default").resource(lease).update();
		return sent;
	}

	/** Waits until a second term has begun (by any candidate) and it alone leads. */
	protected void awaitSecondTerm() {
		await().atMost(LEASE.multipliedBy(4)).until(() -> this.timeline.leaders().size() == 1
				&& this.timeline.entries().stream().filter((e) -> e.kind() == Kind.GRANTED).count() == 2);
	}

	protected void assertTakenOnlyAfterALeaseDuration(List<Candidate> all, long edited) {
		Candidate next = awaitSoleLeader(all);
		long takeover = this.timeline.last(next.name(), Kind.GRANTED).orElseThrow().nanos();
		assertThat(Duration.ofNanos(takeover - edited)).isGreaterThanOrEqualTo(LEASE);
	}

	protected Lease lease() {
		return admin().leases().inNamespace("default").withName("test-lease").get();
	}

	/** Creates the Lease as another program would, with {@code spec}. */
	protected void createLease(LeaseSpec spec) {
		admin().leases()
			.inNamespace("default")
			.resource(new LeaseBuilder().withNewMetadata()
				.withName("test-lease")
				.withNamespace("default")
				.endMetadata()
				.withSpec(spec)
				.build())
			.create();
	}

	/**
	 * When {@code candidate}'s last successful write of the Lease reached the API: on the
	 * in-process API, when the server received it (no follower can have seen it sooner);
	 * on a real cluster, when the candidate was told it succeeded (its timeline), which a
	 * busy machine may place a little after followers saw it.
	 */
	protected long lastRenewal(Candidate candidate) {
		if (this.inProcess == null) {
			return this.timeline.last(candidate.name(), Kind.RENEWED).orElseThrow().nanos();
		}
		return this.inProcess.calls()
			.stream()
			.filter((call) -> call.succeeded() && (call.method().equals("PUT") || call.method().equals("POST"))
					&& call.path().contains("/leases") && call.body() != null)
			.filter((call) -> candidate.identity()
				.equals(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(call.body(), Lease.class)
					.getSpec()
					.getHolderIdentity()))
			.mapToLong(LocalKubernetesApi.ApiCall::receivedAtNanos)
			.max()
			.orElseThrow();
	}

	/** Waits until exactly one of {@code among} leads, and returns it. */
	protected Candidate awaitSoleLeader(List<Candidate> among) {
		Map<String, Candidate> byName = new java.util.HashMap<>();
		among.forEach((c) -> byName.put(c.name(), c));
		await().atMost(LEASE.multipliedBy(4)).until(() -> {
			Set<String> leaders = this.timeline.leaders();
			return leaders.size() == 1 && byName.containsKey(leaders.iterator().next());
		});
		return byName.get(this.timeline.leaders().iterator().next());
	}

}
