package com.example.testleader.election.takeover;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.local.LocalKubernetesApi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How new each pod's revision is, from the pods alone: the revision whose newest pod was
 * created last ranks highest, a rollback included, and a pod being deleted keeps its rank.
 */
class PodWatchRevisionsTest {

	private final LocalKubernetesApi api = LocalKubernetesApi.start(0);

	private final KubernetesClient admin = this.api.client();

	private final PodWatch pods = new PodWatch(this.admin, "default", "app.kubernetes.io/name=test-leader",
			Duration.ofSeconds(3));

	private final Runnable listener = () -> {
	};

	@AfterEach
	void close() {
		this.pods.stopListening(this.listener);
		this.admin.close();
		this.api.close();
	}

	@Test
	void theRevisionWhoseNewestPodWasCreatedLastRanksHighest() {
		// the API server stamps each pod's creation, to the second
		pod("plain", null);
		pod("old-a", "v1");
		pod("old-b", "v1");
		nextSecond();
		pod("new-c", "v2");
		this.pods.listen(this.listener);

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.pods.revisionRanks())
				.contains(Map.of("plain", 0, "old-a", 1, "old-b", 1, "new-c", 2)));

		// rolled back halfway: the old template's new pod is the newest, the abandoned revision now ranks below it
		this.admin.pods()
			.inNamespace("default")
			.withName("new-c")
			.edit((pod) -> new PodBuilder(pod).editMetadata().addToFinalizers("test/keep").endMetadata().build());
		this.admin.pods().inNamespace("default").withName("new-c").delete();
		nextSecond();
		pod("old-d", "v1");

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.pods.revisionRanks())
				.contains(Map.of("plain", 0, "new-c", 1, "old-a", 2, "old-b", 2, "old-d", 2)));
	}

	private static void nextSecond() {
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		await().until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(started));
	}

	private void pod(String name, String templateHash) {
		PodBuilder pod = new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.addToLabels("app.kubernetes.io/name", "test-leader")
			.endMetadata();
		if (templateHash != null) {
			pod = pod.editMetadata().addToLabels("pod-template-hash", templateHash).endMetadata();
		}
		Pod built = pod.build();
		this.admin.pods().inNamespace("default").resource(built).create();
	}

}
