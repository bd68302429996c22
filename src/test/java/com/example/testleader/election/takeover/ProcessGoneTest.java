package com.example.testleader.election.takeover;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.testleader.election.LeaseRecord;

/** The early-takeover rule, one test per line of it: what proves the holder gone, and what does not. */
class ProcessGoneTest {

	private static final ZonedDateTime TERM_BEGAN = ZonedDateTime.parse("2026-11-25T10:00:00.400Z");

	private static final HolderPod HOLDER = new HolderPod("pod-a_1234abcd", "uid-a", "test-leader",
			TERM_BEGAN.toInstant());

	private final Map<String, Pod> pods = new HashMap<>();

	private final ProcessGone rule = new ProcessGone((uid) -> Optional.ofNullable(this.pods.get(uid)));

	@Test
	void aHolderContainerTerminatedAfterTheTermBeganProvesItGone() {
		this.pods.put("uid-a", terminated("2026-11-25T09:59:00Z", "2026-11-25T10:00:02Z"));
		assertThat(this.rule.proof(heldRecord())).hasValueSatisfying((why) -> assertThat(why).contains("terminated"));
	}

	@Test
	void aTerminationSeenFromBeforeTheTermIsAStaleViewAndProvesNothing() {
		// an older instance's exit, seen before the restart whose new process began this term
		this.pods.put("uid-a", terminated("2026-11-25T09:59:00Z", "2026-11-25T09:59:58Z"));
		assertThat(this.rule.proof(heldRecord())).isEmpty();
		// within the margin: the truncated time cannot be told apart from the term's start
		this.pods.put("uid-a", terminated("2026-11-25T09:59:00Z", "2026-11-25T10:00:01Z"));
		assertThat(this.rule.proof(heldRecord())).isEmpty();
	}

	@Test
	void aContainerRestartedAfterTheTermBeganProvesItGone() {
		this.pods.put("uid-a", running("2026-11-25T10:00:03Z"));
		assertThat(this.rule.proof(heldRecord())).hasValueSatisfying((why) -> assertThat(why).contains("restarted"));
	}

	@Test
	void theInstanceThatBeganTheTermStillRunningProvesNothing() {
		this.pods.put("uid-a", running("2026-11-25T09:58:00Z"));
		assertThat(this.rule.proof(heldRecord())).isEmpty();
	}

	@Test
	void aContainerWaitingToRestartAfterAnExitSinceTheTermBeganProvesItGone() {
		// CrashLoopBackOff: the exit is only in lastState
		Pod waiting = pod(new ContainerStatusBuilder().withName("test-leader")
			.withNewState()
			.withNewWaiting()
			.withReason("CrashLoopBackOff")
			.endWaiting()
			.endState()
			.withNewLastState()
			.withNewTerminated()
			.withExitCode(1)
			.withStartedAt("2026-11-25T09:59:00Z")
			.withFinishedAt("2026-11-25T10:00:04Z")
			.endTerminated()
			.endLastState()
			.build());
		this.pods.put("uid-a", waiting);
		assertThat(this.rule.proof(heldRecord())).isPresent();
	}

	/**
	 * The node's clock was stepped back between two instances: the running one started
	 * (on the stepped clock) before its own term began, and the previous instance's exit,
	 * still shown as the last state, carries a time after it. The running instance holds the
	 * term: an exit shown beside a running container is never proof.
	 */
	@Test
	void aRunningContainerWithAnOlderInstancesExitAsItsLastStateProvesNothing() {
		Pod runningAfterAStepBack = pod(new ContainerStatusBuilder().withName("test-leader")
			.withRestartCount(1)
			.withNewState()
			.withNewRunning()
			.withStartedAt("2026-11-25T09:59:50Z")
			.endRunning()
			.endState()
			.withNewLastState()
			.withNewTerminated()
			.withExitCode(137)
			.withStartedAt("2026-11-25T10:00:20Z")
			.withFinishedAt("2026-11-25T10:00:40Z")
			.endTerminated()
			.endLastState()
			.build());
		this.pods.put("uid-a", runningAfterAStepBack);
		assertThat(this.rule.proof(heldRecord())).isEmpty();
	}

	@Test
	void aRecordWithoutTheTermsBeginningProvesNothing() {
		this.pods.put("uid-a", terminated("2026-11-25T09:59:00Z", "2026-11-25T10:00:05Z"));
		Lease lease = LeaseRecord.created("default", "test-lease", HOLDER.identity(), Duration.ofSeconds(15),
				TERM_BEGAN, 3);
		lease.getMetadata()
			.setAnnotations(Map.of(HolderPod.ANNOTATION, HOLDER.identity() + " uid-a test-leader"));
		assertThat(this.rule.proof(new LeaseRecord(lease))).isEmpty();
	}

	@Test
	void aPodWithTheSameNameButAnotherUidProvesNothing() {
		// recreated by a StatefulSet while the old one may run on a cut-off node
		Pod recreated = terminated("2026-11-25T09:59:00Z", "2026-11-25T10:00:05Z");
		recreated.getMetadata().setUid("uid-a-new");
		this.pods.put("uid-a-new", recreated);
		assertThat(this.rule.proof(heldRecord())).isEmpty();
	}

	@Test
	void aPodNotSeenOrAViewNotInSyncProvesNothing() {
		assertThat(this.rule.proof(heldRecord())).isEmpty();
	}

	@Test
	void aForceDeletedPodLastSeenRunningProvesNothing() {
		// what a deleted pod leaves behind is its last status: here, still running
		this.pods.put("uid-a", running("2026-11-25T09:58:00Z"));
		assertThat(this.rule.proof(heldRecord())).isEmpty();
	}

	@Test
	void aHolderRecordWithoutItsPodOrForAnotherHolderProvesNothing() {
		this.pods.put("uid-a", terminated("2026-11-25T09:59:00Z", "2026-11-25T10:00:05Z"));
		Lease noPod = LeaseRecord.created("default", "test-lease", HOLDER.identity(), Duration.ofSeconds(15),
				TERM_BEGAN, 3);
		assertThat(this.rule.proof(new LeaseRecord(noPod))).isEmpty();
		Lease otherHolder = LeaseRecord.withHolderProcess(noPod, Optional.of(HOLDER.annotation()));
		otherHolder.getSpec().setHolderIdentity("written-by-hand");
		assertThat(this.rule.proof(new LeaseRecord(otherHolder))).isEmpty();
	}

	private static LeaseRecord heldRecord() {
		Lease lease = LeaseRecord.created("default", "test-lease", HOLDER.identity(), Duration.ofSeconds(15),
				TERM_BEGAN, 3);
		return new LeaseRecord(LeaseRecord.withHolderProcess(lease, Optional.of(HOLDER.annotation())));
	}

	private static Pod running(String startedAt) {
		return pod(new ContainerStatusBuilder().withName("test-leader")
			.withNewState()
			.withNewRunning()
			.withStartedAt(startedAt)
			.endRunning()
			.endState()
			.build());
	}

	private static Pod terminated(String startedAt, String finishedAt) {
		return pod(new ContainerStatusBuilder().withName("test-leader")
			.withNewState()
			.withNewTerminated()
			.withExitCode(137)
			.withReason("OOMKilled")
			.withStartedAt(startedAt)
			.withFinishedAt(finishedAt)
			.endTerminated()
			.endState()
			.build());
	}

	private static Pod pod(io.fabric8.kubernetes.api.model.ContainerStatus status) {
		return new PodBuilder().withNewMetadata()
			.withName("pod-a")
			.withUid("uid-a")
			.endMetadata()
			.withNewStatus()
			.withContainerStatuses(status)
			.endStatus()
			.build();
	}

}
