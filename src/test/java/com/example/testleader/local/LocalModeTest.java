package com.example.testleader.local;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.testleader.TestLeaderApplication;
import com.example.testleader.task.ConfiguredRoles;

import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What the local mode hands the service: several roles by default, below the command line;
 * replicas pointed at the API the standard way, without the test classes.
 */
class LocalModeTest {

	@Test
	void localModeCompetesForSixRolesAmongThemTheSeedsLease() {
		assertThat(ConfiguredRoles.of(new String[0], LocalTestLeaderApplication.DEFAULTS)).hasSize(6)
			.contains("test-lease")
			.containsExactlyInAnyOrderElementsOf(LocalTestLeaderApplication.ROLES);
	}

	@Test
	void rolesGivenOnTheCommandLineWinOverTheLocalModesDefault() {
		assertThat(ConfiguredRoles.of(new String[] { "--test-leader.task.still-leading-roles=test-lease,billing" },
				LocalTestLeaderApplication.DEFAULTS))
			.containsExactlyInAnyOrder("test-lease", "billing");
	}

	@Test
	void withoutTheLocalModeTheServiceStillCompetesForTheOneLease() {
		assertThat(ConfiguredRoles.of(new String[0], Map.of())).containsExactly("test-lease");
	}

	@Test
	void aReplicaRunsTheServiceAgainstTheApiWithTheDefaultsBelowItsCommandLine() {
		ProcessBuilder replica = new ServiceCommand("http://127.0.0.1:6443", LocalTestLeaderApplication.DEFAULTS,
				List.of("--test-leader.task.still-leading-roles=test-lease"))
			.command(LocalReplica.numbered(2), "uid-2");

		List<String> command = replica.command();
		int main = command.indexOf(TestLeaderApplication.class.getName());
		assertThat(command.subList(0, main)).contains(
				"-Dtest-leader.task.still-leading-roles=" + String.join(",", LocalTestLeaderApplication.ROLES),
				"-Dtest-leader.operator.auth=loopback");
		assertThat(command.subList(main + 1, command.size())).containsExactly("--spring.main.cloud-platform=kubernetes",
				"--spring.cloud.kubernetes.client.master-url=http://127.0.0.1:6443",
				"--spring.cloud.kubernetes.client.namespace=default", "--server.port=8280",
				"--management.server.port=8281", "--test-leader.task.still-leading-roles=test-lease");
		assertThat(replica.environment()).containsEntry("POD_NAME", "replica-2")
			.containsEntry("POD_NAMESPACE", "default")
			.containsEntry("POD_UID", "uid-2");
	}

	@Test
	void aReplicasClassPathIsThisOneWithoutTheTestClasses() {
		List<String> classPath = List.of(ServiceCommand.classPath().split(File.pathSeparator));

		assertThat(classPath).doesNotContain(ServiceCommand.testClasses().toString())
			.hasSize(System.getProperty("java.class.path").split(File.pathSeparator).length - 1)
			.anySatisfy((entry) -> assertThat(Path.of(entry)).endsWith(Path.of("target", "classes")));
	}

	@Test
	void theServiceRunInThisJvmScansNoTestClass() throws Exception {
		TestClassesExcluded filter = new TestClassesExcluded(ServiceCommand.testClasses());
		MetadataReaderFactory readers = new SimpleMetadataReaderFactory();

		// a test's own @Configuration, which enables @Async
		assertThat(filter.match(readers.getMetadataReader(
				"com.example.testleader.election.wiring.SynchronousRevocationsTest$AsyncEnabled"), readers)).isTrue();
		assertThat(filter.match(readers.getMetadataReader(TestLeaderApplication.class.getName()), readers)).isFalse();
		assertThat(filter.match(readers.getMetadataReader("com.example.testleader.election.wiring.ReadinessGate"), readers))
			.isFalse();
	}

	@Test
	void replicasAreCountedFromOneToNine() {
		assertThat(LocalTestLeaderApplication.replicas("3")).isEqualTo(3);
		assertThatIllegalArgumentException().isThrownBy(() -> LocalTestLeaderApplication.replicas("0"))
			.withMessage("local.replicas must be a number from 1 to 9 (ports 8180/8181 to 8980/8981); was '0'");
		assertThatIllegalArgumentException().isThrownBy(() -> LocalTestLeaderApplication.replicas("three"))
			.withMessageStartingWith("local.replicas must be a number");
	}

	@Test
	void theLocalModesOwnArgumentsAreNotPassedOnToTheService() {
		assertThat(LocalTestLeaderApplication.serviceArguments(new String[] { "--local.replicas=3",
				"--local.api.port=7443", "--logging.level.com.example=DEBUG" }))
			.containsExactly("--logging.level.com.example=DEBUG");
	}

}
