package com.example.testleader.operator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.testleader.local.LocalKubernetesApi;
import com.example.testleader.operator.OperatorAccessProperties.Auth;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

class OperatorAccessAdvisorTest {

	private final AtomicBoolean invoked = new AtomicBoolean();

	private final OperationInvoker operation = (context) -> {
		this.invoked.set(true);
		return "done";
	};

	@AfterEach
	void noRequest() {
		RequestContextHolder.resetRequestAttributes();
	}

	@Test
	void readsAreLeftAsTheyAre() {
		OperatorAccessAdvisor advisor = new OperatorAccessAdvisor(Auth.LOOPBACK, Map.of(), new LoopbackAccess());
		for (String endpoint : new String[] { "health", "info", "prometheus", "leadership" }) {
			assertThat(advisor.apply(EndpointId.of(endpoint), OperationType.READ, null, this.operation))
				.isSameAs(this.operation);
		}
	}

	@Test
	void inKubernetesModeAWriteWithNoPermissionMappedToItIsRefusedToEveryone() {
		ReviewCache cache = new ReviewCache(Duration.ofSeconds(10), 10, System::nanoTime);
		try (OperatorAccessAdvisor advisor = new OperatorAccessAdvisor(Auth.KUBERNETES, Map.of(),
				new KubernetesAccess(new AccessReviews(OperatorAccessConfiguration
					.reviewClient(LocalKubernetesApi.clientConfig("http://127.0.0.1:1"))), cache))) {
			MockHttpServletRequest request = fromThisMachine();
			request.addHeader("Authorization", "Bearer eyJ-any");

			Object answer = call(advisor.apply(EndpointId.of("loggers"), OperationType.WRITE, null, this.operation),
					request);

			assertThat(answer).isInstanceOfSatisfying(WebEndpointResponse.class, (response) -> {
				assertThat(response.getStatus()).isEqualTo(403);
				assertThat(response.getBody()).isEqualTo(Map.of("message", "No one may call the write operation of the "
						+ "'loggers' endpoint: no Kubernetes permission stands for it (test-leader.operator.auth=kubernetes)"));
			});
			assertThat(this.invoked).isFalse();
		}
	}

	@Test
	void deleteOperationsAreGuardedToo() {
		OperatorAccessAdvisor advisor = new OperatorAccessAdvisor(Auth.LOOPBACK, Map.of(), new LoopbackAccess());
		MockHttpServletRequest fromElsewhere = new MockHttpServletRequest("DELETE", "/actuator/caches");
		fromElsewhere.setLocalAddr("192.0.2.2");

		Object answer = call(advisor.apply(EndpointId.of("caches"), OperationType.DELETE, null, this.operation),
				fromElsewhere);

		assertThat(answer).isInstanceOfSatisfying(WebEndpointResponse.class,
				(response) -> assertThat(response.getStatus()).isEqualTo(403));
		assertThat(this.invoked).isFalse();
	}

	@Test
	void aCallerTheAccessAllowsGetsTheOperation() {
		OperatorAccessAdvisor advisor = new OperatorAccessAdvisor(Auth.LOOPBACK, Map.of(), new LoopbackAccess());

		Object answer = call(advisor.apply(EndpointId.of("shutdown"), OperationType.WRITE, null, this.operation),
				fromThisMachine());

		assertThat(answer).isEqualTo("done");
	}

	@Test
	void aCallWithoutAnHttpRequestBehindItIsRefused() {
		OperatorAccessAdvisor advisor = new OperatorAccessAdvisor(Auth.LOOPBACK, Map.of(), new LoopbackAccess());

		Object answer = advisor.apply(EndpointId.of("shutdown"), OperationType.WRITE, null, this.operation)
			.invoke(new InvocationContext(SecurityContext.NONE, Map.of()));

		assertThat(answer).isInstanceOfSatisfying(WebEndpointResponse.class,
				(response) -> assertThat(response.getStatus()).isEqualTo(403));
		assertThat(this.invoked).isFalse();
	}

	private static MockHttpServletRequest fromThisMachine() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/actuator/x");
		request.setLocalAddr("127.0.0.1");
		request.setRemoteAddr("127.0.0.1");
		return request;
	}

	private static Object call(OperationInvoker invoker, MockHttpServletRequest request) {
		RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request, new MockHttpServletResponse()));
		return invoker.invoke(new InvocationContext(SecurityContext.NONE, Map.of()));
	}

}
