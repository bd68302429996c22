package com.example.testleader.operator;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.Leadership;
import com.example.testleader.election.LeaseElector;
import com.example.testleader.election.TestElectors;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.operator.OperatorAccessProperties.Auth;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class OperatorAccessConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, OperatorAccessConfiguration.class)
		.withBean(Electors.class, OperatorAccessConfigurationTest::electorForLeaseInTeamA);

	private final ApplicationContextRunner withAnApi = this.runner.withBean(Config.class,
			() -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"));

	@Test
	void outsideAPodTheEndpointsAreOpenOnLoopbackOnly() {
		this.withAnApi.run((context) -> assertThat(context.getBean(OperatorAccessAdvisor.class).auth())
			.isEqualTo(Auth.LOOPBACK));
	}

	@Test
	void inAPodCallersNeedTheReviewsPermissionOnTheElectorsLeaseAndOnThisPod() {
		this.withAnApi
			.withPropertyValues("KUBERNETES_SERVICE_HOST=10.96.0.1", "POD_NAME=replica-a", "POD_NAMESPACE=team-b")
			.run((context) -> {
				OperatorAccessAdvisor advisor = context.getBean(OperatorAccessAdvisor.class);
				assertThat(advisor.auth()).isEqualTo(Auth.KUBERNETES);
				assertThat(advisor.actions()).containsOnlyKeys(EndpointId.of("leadership"), EndpointId.of("handover"),
						EndpointId.of("shutdown"));
				assertThat(advisor.actions().get(EndpointId.of("leadership")).permission())
					.isEqualTo("update leases.coordination.k8s.io/test-lease -n team-a");
				assertThat(advisor.actions().get(EndpointId.of("handover")).permission())
					.isEqualTo("update leases.coordination.k8s.io/test-lease -n team-a");
				assertThat(advisor.actions().get(EndpointId.of("shutdown")).permission())
					.isEqualTo("delete pods/replica-a -n team-b");
			});
	}

	@Test
	void withoutPodNamespaceThePodIsInTheClientsNamespace() {
		this.runner.withBean(Config.class, () -> LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))
			.withPropertyValues("test-leader.operator.auth=kubernetes", "POD_NAME=replica-a")
			.run((context) -> assertThat(
					context.getBean(OperatorAccessAdvisor.class).actions().get(EndpointId.of("shutdown")).permission())
				.isEqualTo("delete pods/replica-a -n default"));
	}

	@Test
	void theConfiguredModeWinsOverWhereItRuns() {
		this.withAnApi.withPropertyValues("KUBERNETES_SERVICE_HOST=10.96.0.1", "test-leader.operator.auth=loopback")
			.run((context) -> assertThat(context.getBean(OperatorAccessAdvisor.class).auth()).isEqualTo(Auth.LOOPBACK));
		this.withAnApi.withPropertyValues("test-leader.operator.auth=Kubernetes", "POD_NAME=replica-a")
			.run((context) -> assertThat(context.getBean(OperatorAccessAdvisor.class).auth())
				.isEqualTo(Auth.KUBERNETES));
	}

	@Test
	void anUnknownModeStopsStartUpNamingTheProperty() {
		this.withAnApi.withPropertyValues("test-leader.operator.auth=open")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'test-leader.operator.auth'"));
	}

	@Test
	void kubernetesModeWithoutPodNameStopsStartUp() {
		this.withAnApi.withPropertyValues("KUBERNETES_SERVICE_HOST=10.96.0.1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("test-leader.operator.auth=kubernetes lets whoever may delete this Pod shut it "
						+ "down, but POD_NAME is not set"));
	}

	@Test
	void kubernetesModeWithoutAnApiStopsStartUp() {
		this.runner.withPropertyValues("test-leader.operator.auth=kubernetes", "POD_NAME=replica-a")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("test-leader.operator.auth=kubernetes checks callers with the Kubernetes API, "
						+ "but none is configured"));
	}

	private static Electors electorForLeaseInTeamA() {
		LeaseElector elector = mock(LeaseElector.class);
		given(elector.leadership()).willReturn(new Leadership("replica-a_1", "team-a", "test-lease", false, false,
				null, null, null, null, null, null, null, null, null, null));
		return TestElectors.electors(elector);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(OperatorAccessProperties.class)
	static class Properties {

	}

}
