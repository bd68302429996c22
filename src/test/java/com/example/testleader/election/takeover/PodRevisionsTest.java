package com.example.testleader.election.takeover;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodRevisionsTest {

	@Test
	void theRevisionWhoseNewestPodWasCreatedLastRanksHighest() {
		assertThat(PodRevisions.ranks(List.of(pod("old-a", "v1", "2026-12-07T10:00:00Z"),
				pod("old-b", "v1", "2026-12-07T10:00:05Z"), pod("new-c", "v2", "2026-12-07T11:00:00Z"))))
			.isEqualTo(Map.of("old-a", 0, "old-b", 0, "new-c", 1));
	}

	@Test
	void aRollbacksPodsAreTheNewestSoTheAbandonedRevisionRanksBelowThem() {
		assertThat(PodRevisions.ranks(List.of(pod("old-a", "v1", "2026-12-07T10:00:00Z"),
				pod("new-c", "v2", "2026-12-07T11:00:00Z"), pod("old-d", "v1", "2026-12-07T12:00:00Z"))))
			.isEqualTo(Map.of("old-a", 1, "new-c", 0, "old-d", 1));
	}

	@Test
	void podsWithoutTheLabelAreOneRevisionAndWithoutACreationTimeTheOldest() {
		assertThat(PodRevisions.ranks(List.of(pod("plain", null, "2026-12-07T12:00:00Z"),
				pod("unknown", "v2", null), pod("new", "v3", "2026-12-07T13:00:00Z"))))
			.isEqualTo(Map.of("unknown", 0, "plain", 1, "new", 2));
	}

	@Test
	void revisionsCreatedInTheSameSecondRankByTheirHash() {
		assertThat(PodRevisions.ranks(List.of(pod("a", "v2", "2026-12-07T12:00:00Z"),
				pod("b", "v1", "2026-12-07T12:00:00Z"))))
			.isEqualTo(Map.of("a", 1, "b", 0));
	}

	private static Pod pod(String name, String templateHash, String created) {
		PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created).endMetadata();
		if (templateHash != null) {
			pod = pod.editMetadata().addToLabels(PodRevisions.TEMPLATE_HASH, templateHash).endMetadata();
		}
		return pod.build();
	}

}
