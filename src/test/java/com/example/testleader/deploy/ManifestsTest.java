package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.wiring.EarlyTakeoverProperties;
import com.example.testleader.task.ConfiguredRoles;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests against the application itself: every field known to the model, wiring
 * that matches the configuration, hardening in place.
 */
class ManifestsTest {

	private static List<HasMetadata> objects;

	private static Binder configuration;

	@BeforeAll
	static void read() throws IOException {
		objects = Manifests.all();
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("application.yaml",
				new ClassPathResource("application.yaml"));
		configuration = new Binder(ConfigurationPropertySources.from(sources));
	}

	@Test
	void everyFieldOfEveryManifestIsKnownToTheModel() {
		assertThat(objects).extracting(HasMetadata::getKind)
			.containsExactlyInAnyOrder("Deployment", "NetworkPolicy", "PodDisruptionBudget", "ServiceAccount", "Role",
					"RoleBinding", "ClusterRoleBinding", "Service");
		assertThat(objects).allSatisfy((object) -> assertThat(Manifests.unknownFields(object)).isEmpty());
	}

	@Test
	void aMisspelledKeyIsCaught() throws IOException {
		Path misspelled = Path.of("target", "misspelled.yaml");
		java.nio.file.Files.writeString(misspelled,
				"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replcias: 3\n");
		assertThat(Manifests.unknownFields(Manifests.read(misspelled).get(0))).containsExactly("Deployment.spec.replcias");
	}

	@Test
	void threeReplicasNamedAfterTheirPodInTheirOwnNamespace() {
		Deployment deployment = Manifests.one(objects, Deployment.class);
		assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
		Container container = container(deployment);
		assertThat(fieldRef(container, "POD_NAME")).isEqualTo("metadata.name");
		assertThat(fieldRef(container, "POD_NAMESPACE")).isEqualTo("metadata.namespace");
		assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
			.isEqualTo(Manifests.one(objects, ServiceAccount.class).getMetadata().getName());
	}

	@Test
	void podsNameTheirUidContainerAndLabelsAsEarlyTakeoverExpects() {
		Deployment deployment = Manifests.one(objects, Deployment.class);
		Container container = container(deployment);
		assertThat(fieldRef(container, "POD_UID")).isEqualTo("metadata.uid");
		EarlyTakeoverProperties early = configuration.bindOrCreate("test-leader.election.early-takeover",
				EarlyTakeoverProperties.class);
		assertThat(early.enabled()).isTrue();
		assertThat(container.getName()).isEqualTo(early.container());
		String[] selector = early.podSelector().split("=");
		assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(selector[0],
				selector[1]);
	}

	@Test
	void probesUseTheActuatorGroupsOnTheManagementPort() {
		Container container = container(Manifests.one(objects, Deployment.class));
		int managementPort = configuration.bind("management.server.port", Integer.class).get();
		assertThat(containerPort(container, "management")).isEqualTo(managementPort);
		assertThat(containerPort(container, "http")).isEqualTo(configuration.bind("server.port", Integer.class).get());
		assertProbe(container.getLivenessProbe().getHttpGet(), "/actuator/health/liveness");
		assertProbe(container.getStartupProbe().getHttpGet(), "/actuator/health/liveness");
		assertProbe(container.getReadinessProbe().getHttpGet(), "/actuator/health/readiness");
		assertThat(configuration.bind("management.endpoint.health.probes.enabled", Boolean.class).get()).isTrue();
		assertThat(configuration.bind("management.endpoint.health.group.liveness.include", String[].class).get())
			.contains("leader");
	}

	@Test
	void probesGiveASlowAnswerTimeWithoutStretchingTheirWindows() {
		Container container = container(Manifests.one(objects, Deployment.class));
		List<Probe> probes = List.of(container.getStartupProbe(), container.getLivenessProbe(),
				container.getReadinessProbe());
		// more than the default 1 s, and within the period: a probe ends before the next is
		// due, so a probe's window stays period x failureThreshold
		assertThat(probes).allSatisfy((probe) -> assertThat(probe.getTimeoutSeconds()).isGreaterThan(1)
			.isLessThanOrEqualTo(probe.getPeriodSeconds()));
		// out of the Service before a restart, and start-up has the longest
		assertThat(window(container.getReadinessProbe())).isLessThan(window(container.getLivenessProbe()));
		assertThat(window(container.getLivenessProbe())).isLessThan(window(container.getStartupProbe()));
	}

	private static int window(Probe probe) {
		return probe.getPeriodSeconds() * probe.getFailureThreshold();
	}

	@Test
	void theGracePeriodOutlastsTheServicesOwnDrain() {
		// the election's phase and the web server's each take up to one phase timeout (which
		// start-up holds to at least the election's longest leave)
		Duration phase = configuration.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get();
		Duration stepDown = phase;
		Duration webPhase = phase;
		long grace = Manifests.one(objects, Deployment.class)
			.getSpec()
			.getTemplate()
			.getSpec()
			.getTerminationGracePeriodSeconds();
		assertThat(Duration.ofSeconds(grace)).isGreaterThan(stepDown.plus(webPhase));
	}

	@Test
	void theJvmIsSizedToThePodsLimitsRatherThanToTheNode() throws IOException {
		Container container = container(Manifests.one(objects, Deployment.class));
		List<EnvVar> env = container.getEnv();
		String options = env(container, "JAVA_TOOL_OPTIONS").getValue();
		// the processor count: the CPU limit from the downward API, which the kubelet expands
		// into the options (only variables defined earlier expand); Paketo's helper then
		// leaves it alone instead of setting the node's CPU count
		Matcher processors = Pattern.compile("-XX:ActiveProcessorCount=\\$\\((\\w+)\\)").matcher(options);
		assertThat(processors.find()).as(options).isTrue();
		EnvVar cpu = env(container, processors.group(1));
		assertThat(env.indexOf(cpu)).isLessThan(env.indexOf(env(container, "JAVA_TOOL_OPTIONS")));
		assertThat(cpu.getValueFrom().getResourceFieldRef().getResource()).isEqualTo("limits.cpu");
		assertThat(cpu.getValueFrom().getResourceFieldRef().getDivisor()).isEqualTo(new Quantity("1"));
		assertThat(container.getResources().getLimits()).containsEntry("cpu", new Quantity("1"));

		// the memory calculator leaves head room, and the heap the manifest and the deploy
		// documentation state is the one it computes from the manifest's values
		int headRoom = Integer.parseInt(env(container, "BPL_JVM_HEAD_ROOM").getValue());
		assertThat(headRoom).isBetween(5, 25);
		String stated = "-Xmx" + (PodJvm.fromManifest().heap() / 1024) + "K";
		assertThat(Files.readString(Path.of("k8s/deployment.yaml"))).contains(stated);
		assertThat(Files.readString(Path.of("docs/deploy.md"))).contains(stated);
	}

	/**
	 * The options chosen with the benchmark (docs/benchmark.md): C1 only, and the
	 * image's CDS archive as Paketo's helper gives it.
	 */
	@Test
	void theJvmCompilesWithC1OnlyAndStartsOnTheImagesArchive() throws IOException {
		List<String> options = PodJvm.fromManifest().javaToolOptions();
		assertThat(options).filteredOn((option) -> option.startsWith("-XX:TieredStopAtLevel="))
			.containsExactly("-XX:TieredStopAtLevel=1");
		// the launch helper names the archive; -Xshare:on here would also apply to every other
		// JVM in the container (jcmd, through JAVA_TOOL_OPTIONS) and stop them; the JDK's
		// random mapping address stays (a fixed one saved nothing measurable)
		assertThat(options).noneMatch((option) -> option.startsWith("-XX:SharedArchiveFile")
				|| option.startsWith("-Xshare") || option.contains("ArchiveRelocationMode"));
		Container container = container(Manifests.one(objects, Deployment.class));
		assertThat(container.getEnv()).extracting(EnvVar::getName)
			.doesNotContain("BPL_JVM_AOTCACHE_ENABLED", "BPL_JVM_CDS_ENABLED");
	}

	@Test
	void podsAreHardenedSizedAndSpread() {
		PodSpec pod = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		// the image's own non-root user and group (Paketo's run image), none forced here
		assertThat(pod.getSecurityContext().getRunAsUser()).isNull();
		assertThat(pod.getSecurityContext().getRunAsGroup()).isNull();
		assertThat(pod.getSecurityContext().getFsGroup()).isNull();
		assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
		Container container = pod.getContainers().get(0);
		assertThat(container.getSecurityContext().getRunAsUser()).isNull();
		assertThat(container.getSecurityContext().getRunAsGroup()).isNull();
		assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
		assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
		assertThat(container.getVolumeMounts()).anySatisfy((mount) -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
		assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
		assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
		assertThat(pod.getTopologySpreadConstraints()).singleElement()
			.satisfies((spread) -> assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
	}

	@Test
	void disruptionBudgetAndServiceSelectTheseReplicas() {
		Deployment deployment = Manifests.one(objects, Deployment.class);
		Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
		PodDisruptionBudget budget = Manifests.one(objects, PodDisruptionBudget.class);
		assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
		assertThat(labels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
		Service service = Manifests.one(objects, Service.class);
		assertThat(labels).containsAllEntriesOf(service.getSpec().getSelector());
		assertThat(service.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(port.getTargetPort()).isEqualTo(new IntOrString("management")));
	}

	@Test
	void theManagementPortIsAdmittedOnlyFromInsideTheNamespaceAndFromMonitoring() {
		NetworkPolicy policy = Manifests.one(objects, NetworkPolicy.class);
		assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
		List<NetworkPolicyIngressRule> management = policy.getSpec()
			.getIngress()
			.stream()
			.filter((rule) -> rule.getPorts().stream().anyMatch((p) -> p.getPort().equals(new IntOrString("management"))))
			.toList();
		assertThat(management).singleElement().satisfies((rule) -> {
			assertThat(rule.getFrom()).isNotEmpty();
			assertThat(rule.getFrom()).allSatisfy((peer) -> assertThat(peer.getIpBlock()).isNull());
			assertThat(rule.getFrom()).filteredOn((peer) -> peer.getNamespaceSelector() != null)
				.singleElement()
				.satisfies((peer) -> assertThat(peer.getNamespaceSelector().getMatchLabels())
					.containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring")));
			assertThat(rule.getFrom()).filteredOn((peer) -> peer.getNamespaceSelector() == null)
				.allSatisfy((peer) -> assertThat(peer.getPodSelector()).isNotNull());
		});
	}

	@Test
	void prometheusNamespaceIsNamedInOnePlaceAndSaidWhereUsersLook() throws IOException {
		String namespace = Manifests.one(objects, NetworkPolicy.class)
			.getSpec()
			.getIngress()
			.stream()
			.flatMap((rule) -> rule.getFrom().stream())
			.filter((peer) -> peer.getNamespaceSelector() != null)
			.findFirst()
			.orElseThrow()
			.getNamespaceSelector()
			.getMatchLabels()
			.get("kubernetes.io/metadata.name");
		// no other field of any manifest names it: changing it there is enough
		List<HasMetadata> everything = new ArrayList<>(objects);
		everything.addAll(Manifests.monitoring());
		KubernetesSerialization serialization = new KubernetesSerialization();
		long named = everything.stream()
			.mapToLong((object) -> Manifests.valuesEqualTo(serialization.convertValue(object, JsonNode.class), namespace))
			.sum();
		assertThat(named).isEqualTo(1);
		String notice = "Prometheus must run in the namespace `" + namespace + "`";
		assertThat(Files.readString(Path.of("k8s/network-policy.yaml"))).contains(notice);
		assertThat(Files.readString(Path.of("README.md"))).contains(notice);
	}

	@Test
	void theRoleIsLimitedToTheLeasesOfTheConfiguredRolesAndBoundToTheServiceAccount() {
		List<String> leases = ConfiguredRoles.of(containerEnvironment(Manifests.one(objects, Deployment.class)));
		Role role = Manifests.one(objects, Role.class);
		assertThat(role.getRules()).filteredOn((rule) -> rule.getResources().contains("leases")).allSatisfy((rule) -> {
			assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
			assertThat(rule.getResources()).containsExactly("leases");
			if (!rule.getVerbs().equals(List.of("create"))) {
				assertThat(rule.getResourceNames()).containsExactlyInAnyOrderElementsOf(leases);
			}
		});
		// and the pods, only to read (early takeover)
		assertThat(role.getRules()).filteredOn((rule) -> rule.getResources().contains("pods"))
			.singleElement()
			.satisfies((rule) -> {
				assertThat(rule.getApiGroups()).containsExactly("");
				assertThat(rule.getResources()).containsExactly("pods");
				assertThat(rule.getVerbs()).containsExactlyInAnyOrder("list", "watch");
			});
		// and core Events, to write them (events.k8s.io alone gets client-go's kind of Event rejected)
		assertThat(role.getRules()).filteredOn((rule) -> rule.getResources().contains("events"))
			.singleElement()
			.satisfies((rule) -> {
				assertThat(rule.getApiGroups()).containsExactly("");
				assertThat(rule.getResources()).containsExactly("events");
				assertThat(rule.getVerbs()).containsExactly("create");
				assertThat(rule.getResourceNames()).isNullOrEmpty();
			});
		assertThat(role.getRules()).allSatisfy((rule) -> assertThat(rule.getResources()).singleElement()
			.isIn("leases", "pods", "events"));
		RoleBinding binding = Manifests.one(objects, RoleBinding.class);
		assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
		assertThat(binding.getSubjects()).singleElement().satisfies((subject) -> {
			assertThat(subject.getKind()).isEqualTo("ServiceAccount");
			assertThat(subject.getName()).isEqualTo(Manifests.one(objects, ServiceAccount.class).getMetadata().getName());
		});
	}

	/**
	 * The roles come from the application's configuration and the Deployment's environment
	 * together: one variable there adds roles, and with them Leases the Role must name.
	 */
	@Test
	void rolesNamedInTheDeploymentAreLeasesTheRoleMustName() {
		Deployment deployment = Manifests.one(objects, Deployment.class);
		Map<String, Object> environment = new java.util.LinkedHashMap<>(containerEnvironment(deployment));

		assertThat(ConfiguredRoles.of(environment)).containsExactly("test-lease");
		environment.put("TEST_LEADER_TASK_STILL_LEADING_ROLES", "reports,billing");
		assertThat(ConfiguredRoles.of(environment)).containsExactly("reports", "billing");
	}

	/** The container's environment variables that have a value of their own (not from the downward API). */
	private static Map<String, Object> containerEnvironment(Deployment deployment) {
		Map<String, Object> environment = new java.util.LinkedHashMap<>();
		deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
			.filter((variable) -> variable.getValue() != null)
			.forEach((variable) -> environment.put(variable.getName(), variable.getValue()));
		return environment;
	}

	/**
	 * The operator endpoints' checks (TokenReview, SubjectAccessReview) are cluster-scoped:
	 * the one grant beyond the namespace, and the built-in role that holds only them.
	 */
	@Test
	void theOnlyClusterWideGrantIsDelegatedAuthAndItGoesToTheServiceAccount() {
		assertThat(objects).noneMatch((object) -> object instanceof ClusterRole);
		ClusterRoleBinding binding = Manifests.one(objects, ClusterRoleBinding.class);
		assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
		assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
		assertThat(binding.getRoleRef().getName()).isEqualTo("system:auth-delegator");
		assertThat(binding.getSubjects()).singleElement().satisfies((subject) -> {
			assertThat(subject.getKind()).isEqualTo("ServiceAccount");
			assertThat(subject.getName()).isEqualTo(Manifests.one(objects, ServiceAccount.class).getMetadata().getName());
			// a ClusterRoleBinding names the namespace itself; the tests and the README's paths use default
			assertThat(subject.getNamespace()).isEqualTo("default");
		});
	}

	/**
	 * Threads of the service leading every role it runs, measured on the packaged jar with the
	 * pod's JVM options ({@link PodJvm#outsideAContainer()}) and environment, alone against the
	 * local mode's API ({@code --local.api-only}), so leading every role, its probes answered
	 * every second: the most of {@code /proc/<pid>/status} Threads over 20 s was 67-69 with one
	 * role, 74 with two, 101-102 with six and 192 with twenty (Java 17, 2026-12-07); an earlier
	 * measurement gave 75 with one and 197 with twenty. Each further role adds about 6.5: its
	 * elector's loop, its event and change threads, its critical work and the work's deadline,
	 * a Lease API thread. Counted here high: 75, and 7 per further role.
	 */
	static final int THREADS_WITH_ONE_ROLE = 75;

	static final int THREADS_PER_FURTHER_ROLE = 7;

	static int threadsFor(int roles) {
		return THREADS_WITH_ONE_ROLE + THREADS_PER_FURTHER_ROLE * (roles - 1);
	}

	/**
	 * Paketo's memory calculator sets a stack aside for each of {@code BPL_JVM_THREAD_COUNT}
	 * threads and gives the heap what is left: the count must cover the threads of the roles the
	 * Deployment names (or stacks eat into the head room), and not be a role's worth above it
	 * (or the heap is smaller than it need be).
	 */
	@Test
	void theJvmCountsTheThreadsOfTheRolesTheDeploymentNames() {
		Container container = container(Manifests.one(objects, Deployment.class));
		int roles = ConfiguredRoles.of(containerEnvironment(Manifests.one(objects, Deployment.class))).size();
		int counted = Integer.parseInt(env(container, "BPL_JVM_THREAD_COUNT").getValue());
		assertThat(counted).as("BPL_JVM_THREAD_COUNT for %d role(s)", roles)
			.isGreaterThanOrEqualTo(threadsFor(roles))
			.isLessThan(threadsFor(roles) + THREADS_PER_FURTHER_ROLE);
	}

	private static void assertProbe(HTTPGetAction probe, String path) {
		assertThat(probe.getPath()).isEqualTo(path);
		assertThat(probe.getPort()).isEqualTo(new IntOrString("management"));
	}

	static Container container(Deployment deployment) {
		return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
	}

	private static String fieldRef(Container container, String name) {
		return env(container, name).getValueFrom().getFieldRef().getFieldPath();
	}

	private static EnvVar env(Container container, String name) {
		return container.getEnv().stream().filter((env) -> env.getName().equals(name)).findFirst().orElseThrow();
	}

	private static int containerPort(Container container, String name) {
		return container.getPorts()
			.stream()
			.filter((port) -> port.getName().equals(name))
			.findFirst()
			.orElseThrow()
			.getContainerPort();
	}

}
