package com.example.testleader;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.example.testleader.task.CriticalWork;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every run of the critical work by every replica in this JVM, on one monotonic clock.
 * Each run is busy for a while and ignores interruption, so a run cut short or left
 * running would show.
 */
public final class WorkLog {

	public record Run(String replica, long fencingToken, long startNanos, long endNanos) {
	}

	private final List<Run> runs = new CopyOnWriteArrayList<>();

	private final Duration busy;

	public WorkLog(Duration busy) {
		this.busy = busy;
	}

	public CriticalWork workOf(String replica) {
		return (term) -> {
			long start = System.nanoTime();
			while (System.nanoTime() - start < this.busy.toNanos()) {
				Thread.onSpinWait();
			}
			this.runs.add(new Run(replica, term.fencingToken(), start, System.nanoTime()));
		};
	}

	public List<Run> runs() {
		return List.copyOf(this.runs);
	}

	public Run lastRunOf(String replica) {
		List<Run> runs = runsOf(replica);
		return runs.get(runs.size() - 1);
	}

	public List<Run> runsOf(String replica) {
		return this.runs.stream().filter((run) -> run.replica().equals(replica)).toList();
	}

	/**
	 * From the first run to the end of the last run of each term, no two terms of
	 * different replicas overlap.
	 */
	public void assertNoOverlap() {
		Map<String, List<Run>> byTerm = this.runs.stream()
			.collect(Collectors.groupingBy((run) -> run.replica() + "/" + run.fencingToken()));
		List<long[]> windows = byTerm.values()
			.stream()
			.map((runs) -> new long[] { runs.stream().mapToLong(Run::startNanos).min().orElseThrow(),
					runs.stream().mapToLong(Run::endNanos).max().orElseThrow() })
			.toList();
		List<String> names = List.copyOf(byTerm.keySet());
		for (int i = 0; i < windows.size(); i++) {
			for (int j = i + 1; j < windows.size(); j++) {
				boolean overlap = windows.get(i)[0] < windows.get(j)[1] && windows.get(j)[0] < windows.get(i)[1];
				assertThat(overlap).as("terms %s and %s ran at the same time", names.get(i), names.get(j)).isFalse();
			}
		}
	}

}
