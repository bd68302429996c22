package com.example.testleader.operator;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackAccessTest {

	private final LoopbackAccess access = new LoopbackAccess();

	private final OperatorAction action = OperatorAction.moveLeadership("default", "test-lease");

	@Test
	void aCallerOnThisMachineIsAllowed() {
		assertThat(check("127.0.0.1", "127.0.0.1").allowed()).isTrue();
		assertThat(check("127.0.0.1", "127.0.1.1").allowed()).isTrue();
		assertThat(check("0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1").allowed()).isTrue();
		assertThat(check("::1", "::1").allowed()).isTrue();
	}

	@Test
	void aCallerFromAnotherMachineIsAnswered403NamingTheProperty() {
		Decision decision = check("192.0.2.2", "192.0.2.7");
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.status()).isEqualTo(403);
		assertThat(decision.message()).isEqualTo("Operator endpoints are open only to callers on this machine, over "
				+ "loopback (test-leader.operator.auth=loopback); this request came over 192.0.2.2");
	}

	/** Tomcat's RemoteIpValve takes the remote address from X-Forwarded-For; never the local one. */
	@Test
	void aForwardedLoopbackAddressOnAConnectionFromOutsideIsRefused() {
		assertThat(check("192.0.2.2", "127.0.0.1").allowed()).isFalse();
		assertThat(check("192.0.2.2", "::1").allowed()).isFalse();
	}

	/** A local proxy forwarding another machine's call does not make it local. */
	@Test
	void aCallForwardedByALocalProxyForAnotherMachineIsRefused() {
		assertThat(check("127.0.0.1", "203.0.113.9").allowed()).isFalse();
	}

	@Test
	void onlyAddressLiteralsCountAndNoNameIsLookedUp() {
		assertThat(LoopbackAccess.isLoopback("localhost")).isFalse();
		assertThat(LoopbackAccess.isLoopback("127.0.0.1.example.com")).isFalse();
		assertThat(LoopbackAccess.isLoopback("::ffff:127.0.0.1")).isTrue();
		assertThat(LoopbackAccess.isLoopback("::2")).isFalse();
		assertThat(LoopbackAccess.isLoopback(":::")).isFalse();
		assertThat(LoopbackAccess.isLoopback(null)).isFalse();
	}

	private Decision check(String localAddress, String remoteAddress) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/actuator/leadership");
		request.setLocalAddr(localAddress);
		request.setRemoteAddr(remoteAddress);
		return this.access.check(request, this.action);
	}

}
