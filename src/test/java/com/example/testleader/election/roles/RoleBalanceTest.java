package com.example.testleader.election.roles;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.example.testleader.election.roles.RoleBalance.Move;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule that spreads roles over replicas, alone, and played out over simulated time. */
class RoleBalanceTest {

	@Test
	void onlyTheReplicaHoldingMostGivesOneRoleToTheOneHoldingFewest() {
		Map<String, String> holders = holders("a", "a", "a", "a", "b", "b");
		Set<String> members = Set.of("a", "b", "c");

		assertThat(new RoleBalance("a", members, holders).move()).contains(new Move("role-4", "c"));
		assertThat(new RoleBalance("b", members, holders).move()).isEmpty();
		assertThat(new RoleBalance("c", members, holders).move()).isEmpty();
	}

	@Test
	void aMoveRefusedLatelyGivesWayToTheNextReceiverThenTheNextRole() {
		Map<String, String> holders = holders("a", "a", "a", "a", "b", "b");
		Set<String> members = Set.of("a", "b", "c", "d");

		assertThat(new RoleBalance("a", members, holders).move(Set.of(new Move("role-4", "c"))))
			.contains(new Move("role-4", "d"));
		assertThat(new RoleBalance("a", members, holders)
			.move(Set.of(new Move("role-4", "c"), new Move("role-4", "d"), new Move("role-4", "b"))))
			.contains(new Move("role-3", "c"));
	}

	@Test
	void aLeavingReplicaHandsItsRolesToTheNewestRevisionBeforeTheFewest() {
		Map<String, String> holders = holders("a", "a", "b", "c", "c");
		Map<String, Integer> revisions = Map.of("a", 0, "b", 0, "c", 1);

		assertThat(new RoleBalance("a", Set.of("b", "c"), holders, revisions).leavePlan())
			.isEqualTo(Map.of("role-1", "c", "role-2", "c"));
		// without revisions (no rollout): to the fewest
		assertThat(new RoleBalance("a", Set.of("b", "c"), holders).leavePlan())
			.isEqualTo(Map.of("role-1", "b", "role-2", "b"));
	}

	@Test
	void aSingleRoleIsHandedOnlyToANewerRevisionElseToWhoeverTakesItFirst() {
		Map<String, String> holders = holders("a");

		assertThat(new RoleBalance("a", Set.of("b", "c"), holders, Map.of("a", 0, "b", 0, "c", 1)).leavePlan())
			.isEqualTo(Map.of("role-1", "c"));
		assertThat(new RoleBalance("a", Set.of("b", "c"), holders, Map.of("a", 1, "b", 0, "c", 1)).leavePlan())
			.isEmpty();
		assertThat(new RoleBalance("a", Set.of("b", "c"), holders).leavePlan()).isEmpty();
	}

	@Test
	void balancingPrefersTheNewestRevisionAndNeverMovesARoleOntoAnOlderOne() {
		Map<String, String> holders = holders("a", "a", "a", "a", "b", "b");
		Set<String> members = Set.of("a", "b", "c", "d");

		// c (old) and d (new) hold none: d first
		assertThat(new RoleBalance("a", members, holders, Map.of("a", 0, "b", 0, "c", 0, "d", 1)).move())
			.contains(new Move("role-4", "d"));
		// a is of the newest revision: c and d (older) get nothing from it
		assertThat(new RoleBalance("a", members, holders, Map.of("a", 2, "b", 0, "c", 0, "d", 1)).move()).isEmpty();
	}

	/** A role whose Lease prefers a holder is placed by the preference; the balance moves another. */
	@Test
	void aRoleWhoseLeasePrefersAHolderIsNeverMovedToBalance() {
		Map<String, String> holders = holders("a", "a", "a", "a", "b", "b");
		Set<String> members = Set.of("a", "b", "c");

		assertThat(new RoleBalance("a", members, holders, Map.of(), Set.of("role-4")).move())
			.contains(new Move("role-3", "c"));
		assertThat(new RoleBalance("a", members, holders, Map.of(), Set.of("role-1", "role-2", "role-3", "role-4"))
			.move()).isEmpty();
	}

	@Test
	void aDifferenceOfOneMovesNothing() {
		Map<String, String> holders = holders("a", "a", "a", "b", "b");

		assertThat(new RoleBalance("a", Set.of("a", "b"), holders).move()).isEmpty();
		assertThat(new RoleBalance("a", Set.of("a", "b"), holders).balanced()).isTrue();
	}

	@Test
	void nothingMovesWhileARoleIsFreeOrHandedOver() {
		Map<String, String> holders = holders("a", "a", "a", "a", null, "b");

		assertThat(new RoleBalance("a", Set.of("a", "b", "c"), holders).move()).isEmpty();
		assertThat(new RoleBalance("a", Set.of("a", "b", "c"), holders).balanced()).isFalse();
	}

	@Test
	void tiesGoToTheNameFirstInOrder() {
		Map<String, String> holders = holders("b", "b", "b", "a", "a", "a");
		Set<String> members = Set.of("a", "b", "d", "c");

		assertThat(new RoleBalance("a", members, holders).move()).contains(new Move("role-6", "c"));
		assertThat(new RoleBalance("b", members, holders).move()).isEmpty();
	}

	@Test
	void aReplicaThatIsNotAMemberIsNeitherGivenARoleNorCounted() {
		// "c" is not ready (leaving): it neither gives nor receives
		Map<String, String> holders = holders("a", "a", "a", "a", "b");

		assertThat(new RoleBalance("a", Set.of("a", "b"), holders).move()).contains(new Move("role-4", "b"));
		assertThat(new RoleBalance("c", Set.of("a", "b"), holders).move()).isEmpty();
		assertThat(new RoleBalance("a", Set.of("a", "b", "d"), holders).move()).contains(new Move("role-4", "d"));
	}

	@Test
	void nothingMovesWhileAReplicaThatIsNoMemberStillHoldsRoles() {
		// "c" leaves (its pod being deleted) and still holds three roles, "d" a new pod holding none:
		// c's roles are about to land, on d first; a move from a to d now would be d's second role
		Map<String, String> holders = holders("a", "a", "c", "c", "c", "b");

		assertThat(new RoleBalance("a", Set.of("a", "b", "d"), holders).move()).isEmpty();
		assertThat(new RoleBalance("a", Set.of("a", "b", "d"), holders).balanced()).isFalse();
		assertThat(new RoleBalance("c", Set.of("a", "b", "d"), holders).leavePlan())
			.containsEntry("role-3", "d");
	}

	@Test
	void aLeavingReplicaHandsEachRoleToTheMemberThenHoldingFewest() {
		Map<String, String> holders = holders("a", "a", "a", "b", "b", "c");

		// "a" leaves: it is no member any more, its roles go to "c", "b" and "c" again
		Map<String, String> plan = new RoleBalance("a", Set.of("b", "c"), holders).leavePlan();

		assertThat(plan).containsExactly(Map.entry("role-1", "c"), Map.entry("role-2", "b"), Map.entry("role-3", "c"));
	}

	@Test
	void aLeavingReplicaThatKnowsNoOtherMemberHandsNothingToAnyone() {
		assertThat(new RoleBalance("a", Set.of(), holders("a", "a")).leavePlan()).isEmpty();
	}

	@Test
	void twoReplicasWithFiveRolesEndThreeAndTwoFromAnyStartAndThenNothingMoves() {
		for (int first = 0; first <= 5; first++) {
			List<String> start = new ArrayList<>();
			IntStream.range(0, 5).forEach((i) -> start.add(null));
			for (int i = 0; i < 5; i++) {
				start.set(i, (i < first) ? "a" : "b");
			}
			Simulation simulation = new Simulation(Set.of("a", "b"), holders(start.toArray(String[]::new)), 0, 1);

			simulation.run(150);

			assertThat(simulation.counts().values()).containsExactlyInAnyOrder(3, 2);
			// the fewest moves that balance it, all in the first steps, none in the minutes after
			assertThat(simulation.moves()).hasSize((first >= 3) ? first - 3 : 2 - first);
			assertThat(simulation.movesAfter(3)).isZero();
			simulation.assertNoRoleMovedBack();
		}
	}

	@Test
	void sixRolesOnOneOfThreeReplicasMoveOneAtATimeUntilTwoEach() {
		Simulation simulation = new Simulation(Set.of("a", "b", "c"), holders("a", "a", "a", "a", "a", "a"), 0, 1);

		simulation.run(150);

		assertThat(simulation.counts()).containsOnly(Map.entry("a", 2), Map.entry("b", 2), Map.entry("c", 2));
		assertThat(simulation.moves()).hasSize(4);
		simulation.assertNoRoleMovedBack();
	}

	/**
	 * Replicas come and go while some of them judge from a view one step old (their watch
	 * is late): the roles still end balanced, and while the members stay the same no role
	 * goes back to a replica it was moved away from.
	 */
	@Test
	void staleViewsAndChangingMembersStillEndBalancedWithoutPingPong() {
		Random random = new Random(42);
		for (int run = 0; run < 50; run++) {
			Set<String> members = new TreeSet<>(Set.of("a", "b", "c"));
			String[] start = new String[7];
			for (int i = 0; i < start.length; i++) {
				start[i] = List.of("a", "b", "c").get(random.nextInt(3));
			}
			Simulation simulation = new Simulation(members, holders(start), random.nextLong(), 2);
			simulation.run(20);
			simulation.join("d");
			simulation.run(40);
			simulation.leave("b");
			simulation.run(90);

			assertThat(new RoleBalance("a", simulation.members, simulation.holders).balanced()).isTrue();
			simulation.assertNoRoleMovedBack();
		}
	}

	private static Map<String, String> holders(String... holders) {
		Map<String, String> byRole = new LinkedHashMap<>();
		for (int i = 0; i < holders.length; i++) {
			byRole.put("role-" + (i + 1), holders[i]);
		}
		return byRole;
	}

	/**
	 * The rule played by every member once per step (a retry period), each on the view it
	 * has; a move completes within its step (a handover takes milliseconds). Some members
	 * may see the view of the step before.
	 */
	private static final class Simulation {

		private final Set<String> members;

		private Map<String, String> holders;

		private Map<String, String> previous;

		private final Random random;

		private final int staleEvery;

		private final List<MoveAt> moves = new ArrayList<>();

		private int step;

		// counts changes of members: a role may rightly move back after one
		private int epoch;

		/** @param staleEvery every so many members (in name order) judge from the previous step's view */
		Simulation(Set<String> members, Map<String, String> holders, long seed, int staleEvery) {
			this.members = new TreeSet<>(members);
			this.holders = new LinkedHashMap<>(holders);
			this.previous = this.holders;
			this.random = new Random(seed);
			this.staleEvery = staleEvery;
		}

		void run(int steps) {
			for (int i = 0; i < steps; i++) {
				Map<String, String> next = new LinkedHashMap<>(this.holders);
				int index = 0;
				for (String member : this.members) {
					boolean stale = this.staleEvery > 1 && index++ % this.staleEvery == 0 && this.random.nextBoolean();
					Optional<Move> move = new RoleBalance(member, this.members, stale ? this.previous : this.holders)
						.move();
					// a member can hand over only what it really holds
					move.filter((m) -> member.equals(next.get(m.role()))).ifPresent((m) -> {
						next.put(m.role(), m.to());
						this.moves.add(new MoveAt(this.step, this.epoch, m.role(), member, m.to()));
					});
				}
				this.previous = this.holders;
				this.holders = next;
				this.step++;
			}
		}

		void join(String member) {
			this.members.add(member);
			this.epoch++;
		}

		/** {@code member} leaves: its roles go as its leave plan says. */
		void leave(String member) {
			this.members.remove(member);
			this.holders.putAll(new RoleBalance(member, this.members, this.holders).leavePlan());
			this.epoch++;
		}

		Map<String, Integer> counts() {
			return new RoleBalance("-", this.members, this.holders).counts();
		}

		List<MoveAt> moves() {
			return this.moves;
		}

		long movesAfter(int step) {
			return this.moves.stream().filter((move) -> move.step() >= step).count();
		}

		void assertNoRoleMovedBack() {
			Map<String, Set<String>> left = new HashMap<>();
			for (MoveAt move : this.moves) {
				String key = move.epoch() + "/" + move.role();
				assertThat(left.getOrDefault(key, Set.of())).as("%s moved back", move).doesNotContain(move.to());
				left.computeIfAbsent(key, (role) -> new TreeSet<>()).add(move.from());
			}
		}

	}

	private record MoveAt(int step, int epoch, String role, String from, String to) {
	}

}
