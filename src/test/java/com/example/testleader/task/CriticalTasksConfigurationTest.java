package com.example.testleader.task;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.roles.ElectedRoles;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** How roles and their work are declared, and the start-up refusals of bad declarations. */
class CriticalTasksConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, TaskConfiguration.class, CriticalTasks.class, StillLeadingWork.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void withoutRolesTheDemoWorkRunsUnderTheDefaultRole() {
		this.runner.run((context) -> {
			assertThat(context.getBean(ElectedRoles.class).names()).containsExactly("test-lease");
			assertThat(context.getBean(CriticalWorkMonitor.class).period("test-lease")).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void stillLeadingRolesRunTheDemoWorkUnderEachRoleTheyNameWithItsOwnSchedule() {
		this.runner
			.withPropertyValues("test-leader.task.still-leading-roles=alpha,beta,billing.eu",
					"test-leader.task.per-role.beta.period=2s", "test-leader.task.per-role.[billing.eu].period=9s")
			.run((context) -> {
				assertThat(context.getBean(ElectedRoles.class).names()).containsExactly("alpha", "beta", "billing.eu");
				CriticalWorkMonitor work = context.getBean(CriticalWorkMonitor.class);
				assertThat(work.period("alpha")).isEqualTo(Duration.ofSeconds(5));
				assertThat(work.period("beta")).isEqualTo(Duration.ofSeconds(2));
				assertThat(work.period("billing.eu")).isEqualTo(Duration.ofSeconds(9));
			});
	}

	@Test
	void workOfSeveralBeansUnderOneRoleSharesItsScheduleAndRolesFollowTheOrderOfDeclaration() {
		this.runner.withPropertyValues("test-leader.task.still-leading-roles=reports")
			.withBean("exports", CriticalWork.class, () -> work(List.of("exports", "reports")))
			.run((context) -> assertThat(context.getBean(ElectedRoles.class).names()).containsExactlyInAnyOrder("reports",
					"exports"));
	}

	@Test
	void aRoleNamedTwiceStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("test-leader.task.still-leading-roles=alpha,beta,alpha")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("test-leader.task.still-leading-roles names the role 'alpha' twice"));
	}

	@Test
	void aRoleThatCannotNameALeaseStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("test-leader.task.still-leading-roles=alpha,Billing_EU")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("test-leader.task.still-leading-roles must be a valid Kubernetes name")
				.hasMessageContaining("Billing_EU"));
	}

	@Test
	void aBeanNamingARoleTwiceOrAnInvalidRoleStopsStartUpNamingTheBean() {
		this.runner.withBean("twice", CriticalWork.class, () -> work(List.of("alpha", "alpha")))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("name 'alpha' twice"));
		this.runner.withBean("invalid", CriticalWork.class, () -> work(List.of("-alpha")))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must be a valid Kubernetes name")
				.hasMessageContaining("-alpha"));
	}

	@Test
	void settingsForARoleNoWorkRunsUnderStopStartUp() {
		this.runner
			.withPropertyValues("test-leader.task.still-leading-roles=alpha", "test-leader.task.per-role.alhpa.period=2s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("test-leader.task.per-role.alhpa configures the role 'alhpa', but no critical "
						+ "work runs under it"));
	}

	@Test
	void aRolesStopTimeoutMustLeaveTimeBeforeAnotherReplicaMayTakeItsLease() {
		this.runner
			.withPropertyValues("test-leader.task.still-leading-roles=alpha,beta",
					"test-leader.task.per-role.beta.stop-timeout=5s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("test-leader.task.per-role.beta.stop-timeout (PT5S) must be shorter than "
						+ "test-leader.election.lease-duration minus renew-deadline (PT5S)"));
		this.runner.withPropertyValues("test-leader.task.per-role.alpha.period=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("test-leader.task.per-role.alpha.period must be positive"));
	}

	private static CriticalWork work(List<String> roles) {
		return new CriticalWork() {

			@Override
			public void run(com.example.testleader.election.LeaderTerm term) {
			}

			@Override
			public List<String> roles() {
				return roles;
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ CriticalTaskProperties.class, LeaderElectionProperties.class })
	static class Properties {

	}

}
