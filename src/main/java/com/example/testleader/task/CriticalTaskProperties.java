package com.example.testleader.task;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.example.testleader.election.roles.ElectedRoles;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the critical work is scheduled while this replica leads a role.
 *
 * @param period time between the starts of two runs
 * @param stopTimeout how long a run in flight may finish after leadership is revoked
 * before it is interrupted; must be shorter than lease-duration minus renew-deadline
 * @param stillLeadingRoles the roles the demo work ({@link StillLeadingWork}) runs under,
 * one schedule and one Lease each; empty means the default role
 * ({@code test-leader.election.lease-name})
 * @param perRole period and stop timeout of one role, where they differ from the two
 * above; role names containing dots are written in brackets
 * ({@code test-leader.task.per-role.[billing.eu].period})
 */
@ConfigurationProperties("test-leader.task")
public record CriticalTaskProperties(@DefaultValue("5s") Duration period, @DefaultValue("3s") Duration stopTimeout,
		@DefaultValue List<String> stillLeadingRoles, Map<String, RoleSchedule> perRole) {

	private static final String PREFIX = "test-leader.task.";

	@ConstructorBinding
	public CriticalTaskProperties {
		requirePositive(PREFIX + "period", period);
		requirePositive(PREFIX + "stop-timeout", stopTimeout);
		stillLeadingRoles = List.copyOf(stillLeadingRoles);
		Set<String> seen = new HashSet<>();
		for (String role : stillLeadingRoles) {
			ElectedRoles.requireValidName(PREFIX + "still-leading-roles", role);
			if (!seen.add(role)) {
				throw new IllegalArgumentException(PREFIX + "still-leading-roles names the role '" + role
						+ "' twice; each role is one Lease (was " + stillLeadingRoles + ")");
			}
		}
		perRole = (perRole != null) ? Map.copyOf(perRole) : Map.of();
		perRole.forEach((role, schedule) -> {
			requirePositiveIfSet(PREFIX + "per-role." + role + ".period", schedule.period());
			requirePositiveIfSet(PREFIX + "per-role." + role + ".stop-timeout", schedule.stopTimeout());
		});
	}

	public CriticalTaskProperties(Duration period, Duration stopTimeout) {
		this(period, stopTimeout, List.of(), Map.of());
	}

	/** The schedule of {@code role}: its own settings where given, else the defaults. */
	Schedule schedule(String role) {
		RoleSchedule own = this.perRole.get(role);
		boolean ownPeriod = own != null && own.period() != null;
		boolean ownStop = own != null && own.stopTimeout() != null;
		return new Schedule(ownPeriod ? own.period() : this.period, ownStop ? own.stopTimeout() : this.stopTimeout,
				ownStop ? PREFIX + "per-role." + role + ".stop-timeout" : PREFIX + "stop-timeout");
	}

	private static void requirePositive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive (was '" + value + "')");
		}
	}

	private static void requirePositiveIfSet(String property, Duration value) {
		if (value != null) {
			requirePositive(property, value);
		}
	}

	/**
	 * One role's own settings; either may be left out.
	 *
	 * @param period time between the starts of two runs of this role's work
	 * @param stopTimeout how long a run of this role's work may finish after revocation
	 */
	public record RoleSchedule(Duration period, Duration stopTimeout) {
	}

	/**
	 * The settings one role's work runs with.
	 *
	 * @param stopTimeoutProperty the property the stop timeout came from, for messages
	 */
	record Schedule(Duration period, Duration stopTimeout, String stopTimeoutProperty) {
	}

}
