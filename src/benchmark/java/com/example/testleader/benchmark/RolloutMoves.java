package com.example.testleader.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.testleader.benchmark.Events.Window;

/**
 * How leadership moved during one rollout, per role, replayed from the replicas' own
 * {@code leading} / {@code stopped leading} lines (a death ending them): a <em>move</em> is a
 * critical window of the role opened in the span by another replica than the one whose window
 * came before it, whatever caused it (a leaving replica's handover, a balancing move, a take
 * after a release). The target is one move per role, onto the new revision, none leaderless
 * for long and none overlapping. The span runs from the rollout's first step until the
 * cluster had settled after it, so that moves the rollout leaves to the balance are counted.
 *
 * @param order which old pod the rollout deleted first
 * @param moves each role's moves, in order
 * @param overlapByRole each role's overlap in the span, ms
 * @param leaderlessByRole each role's time without a leader in the span, ms
 * @param onNew the roles run by a pod of the new revision at the end of the span
 * @param seconds the rollout's first step → all old pods gone, s
 */
record RolloutMoves(Rollout.Order order, Map<String, List<Move>> moves, Map<String, Double> overlapByRole,
		Map<String, Double> leaderlessByRole, List<String> onNew, double seconds) {

	/**
	 * A role's leadership moved from {@code giver} to {@code receiver}, a pod of the old
	 * revision ({@code ontoOld}) or not, after {@code leaderlessMillis} without a leader
	 * (0 where the windows overlap: that shows as overlap).
	 */
	record Move(String role, String giver, String receiver, boolean ontoOld, double leaderlessMillis) {
	}

	/** The moves of {@code roles} in [{@code span.start()}, {@code end}]. */
	static RolloutMoves of(Events events, List<String> roles, Deployment deployment, Rollout.Span span, long end) {
		Map<String, List<Move>> moves = new LinkedHashMap<>();
		Map<String, Double> overlap = new LinkedHashMap<>();
		Map<String, Double> leaderless = new LinkedHashMap<>();
		List<String> onNew = new ArrayList<>();
		for (String role : roles) {
			List<Window> windows = events.windows(role, end);
			moves.put(role, moves(role, windows, deployment, span, end));
			overlap.put(role, events.overlap(role, span.start(), end) / 1e6);
			leaderless.put(role, events.leaderless(role, span.start(), end) / 1e6);
			windows.stream()
				.filter((w) -> w.to() == end && deployment.revisionOf(w.replica()).filter(span.to()::equals).isPresent())
				.findFirst()
				.ifPresent((w) -> onNew.add(role));
		}
		return new RolloutMoves(span.order(), moves, overlap, leaderless, onNew,
				(span.end() - span.start()) / 1e9);
	}

	private static List<Move> moves(String role, List<Window> windows, Deployment deployment, Rollout.Span span,
			long end) {
		List<Move> moves = new ArrayList<>();
		Window before = null;
		for (Window window : windows) {
			boolean inSpan = window.from() >= span.start() && window.from() <= end;
			if (inSpan && before != null && !before.replica().equals(window.replica())) {
				boolean ontoOld = deployment.revisionOf(window.replica()).filter(span.to()::equals).isEmpty();
				moves.add(new Move(role, before.replica(), window.replica(), ontoOld,
						Math.max(0, Run.millis(window.from() - before.to()))));
			}
			before = window;
		}
		return moves;
	}

	/** Every role's moves, in the roles' order. */
	List<Move> all() {
		return this.moves.values().stream().flatMap(List::stream).toList();
	}

	/** How many moves landed on a pod of the old revision, over all roles. */
	long ontoOld() {
		return all().stream().filter(Move::ontoOld).count();
	}

	/** The moves of each role, in the roles' order. */
	List<Integer> counts() {
		return this.moves.values().stream().map(List::size).toList();
	}

	/** One line for the console: each role's moves (onto old pods), leaderless per move, overlap. */
	String summary() {
		StringBuilder line = new StringBuilder(this.order.label).append(String.format(" (%.1f s):", this.seconds));
		this.moves.forEach((role, of) -> line.append(' ').append(role).append(' ').append(of.size())
			.append(" (old ").append(of.stream().filter(Move::ontoOld).count()).append(") ")
			.append(of.stream().map((m) -> String.valueOf(Math.round(m.leaderlessMillis()))).toList())
			.append(" ms, overlap ").append(Math.round(this.overlapByRole.get(role))).append(';'));
		return line.append(" on the new revision: ").append(this.onNew.size()).append(" of ")
			.append(this.moves.size()).toString();
	}

}
