package com.example.testleader.operator;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesAccessTest {

	@Test
	void theTokenIsTakenFromABearerAuthorizationOnly() {
		assertThat(KubernetesAccess.bearerToken(withAuthorization("Bearer eyJhbGc.x-y_z"))).isEqualTo("eyJhbGc.x-y_z");
		assertThat(KubernetesAccess.bearerToken(withAuthorization("bearer eyJ"))).isEqualTo("eyJ");
		assertThat(KubernetesAccess.bearerToken(withAuthorization("Bearer  eyJ "))).isEqualTo("eyJ");
		assertThat(KubernetesAccess.bearerToken(withAuthorization("Basic b3BzOnNlY3JldA=="))).isNull();
		assertThat(KubernetesAccess.bearerToken(withAuthorization("Bearer "))).isNull();
		assertThat(KubernetesAccess.bearerToken(withAuthorization("Bearer a b"))).isNull();
		assertThat(KubernetesAccess.bearerToken(withAuthorization("BearereyJ"))).isNull();
		assertThat(KubernetesAccess.bearerToken(new MockHttpServletRequest())).isNull();
	}

	private static MockHttpServletRequest withAuthorization(String value) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("Authorization", value);
		return request;
	}

}
