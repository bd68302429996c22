package com.example.testleader.election;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LeaderElectionPropertiesTest {

	@Test
	void defaultsAreTheSeedProgramsTimings() {
		LeaderElectionProperties properties = properties("test-lease", "15s", "10s", "2s");
		assertThat(properties.stopMargin()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void leaseDurationMustExceedTheRenewDeadline() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties("test-lease", "10s", "10s", "2s"))
			.withMessage("test-leader.election.lease-duration must be greater than "
					+ "test-leader.election.renew-deadline (PT10S) (was 'PT10S')");
	}

	@Test
	void renewDeadlineMustExceedOnePointTwoRetryPeriods() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties("test-lease", "15s", "2400ms", "2s"))
			.withMessageStartingWith("test-leader.election.renew-deadline must be greater than 1.2 × "
					+ "test-leader.election.retry-period");
	}

	@Test
	void everyDurationMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties("test-lease", "15s", "10s", "0s"))
			.withMessage("test-leader.election.retry-period must be positive (was 'PT0S')");
		assertThatIllegalArgumentException().isThrownBy(() -> properties("test-lease", "-15s", "10s", "2s"))
			.withMessageStartingWith("test-leader.election.lease-duration must be positive");
	}

	@Test
	void leaseDurationMustBeWholeSeconds() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties("test-lease", "2500ms", "2s", "500ms"))
			.withMessageStartingWith("test-leader.election.lease-duration must be a whole number of seconds");
	}

	@Test
	void leaseNameMustBeAValidKubernetesName() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties("Test_Lease", "15s", "10s", "2s"))
			.withMessageStartingWith("test-leader.election.lease-name must be a valid Kubernetes name");
		assertThat(properties("leader.test-lease", "15s", "10s", "2s").leaseName()).isEqualTo("leader.test-lease");
	}

	@Test
	void identityMustNotBeBlankWhenSet() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LeaderElectionProperties("test-lease", null, " ", Duration.ofSeconds(15),
					Duration.ofSeconds(10), Duration.ofSeconds(2)))
			.withMessageStartingWith("test-leader.election.identity must not be blank");
	}

	@Test
	void namespaceMustBeAValidNamespaceName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LeaderElectionProperties("test-lease", "My Namespace", null,
					Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)))
			.withMessageStartingWith("test-leader.election.namespace must be a valid namespace name");
	}

	private static LeaderElectionProperties properties(String name, String lease, String renew, String retry) {
		return new LeaderElectionProperties(name, null, null, parse(lease), parse(renew), parse(retry));
	}

	private static Duration parse(String value) {
		return org.springframework.boot.convert.DurationStyle.detectAndParse(value);
	}

}
