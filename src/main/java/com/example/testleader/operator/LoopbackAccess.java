package com.example.testleader.operator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Outside a cluster: open to callers on this machine, refused to everyone else.
 *
 * <p>
 * Both ends of the connection must be loopback addresses. The local end is what decides:
 * Tomcat's {@code RemoteIpValve} (on wherever {@code spring.main.cloud-platform} is set,
 * as in the local mode) rewrites the remote address from {@code X-Forwarded-For} when the
 * peer is on a private network, but never the address the connection arrived on, and a
 * connection to a loopback address can only come from this machine.
 */
final class LoopbackAccess implements OperatorAccess {

	private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	@Override
	public Decision check(HttpServletRequest request, OperatorAction action) {
		if (isLoopback(request.getLocalAddr()) && isLoopback(request.getRemoteAddr())) {
			return Decision.allow("a caller on this machine");
		}
		return Decision.forbidden("Operator endpoints are open only to callers on this machine, over loopback ("
				+ OperatorAccessProperties.PROPERTY + "=loopback); this request came over "
				+ request.getLocalAddr());
	}

	/**
	 * IP literals only, as the servlet container gives them; anything else (a forwarded
	 * host name) is not loopback, and no name is ever looked up. A string with a colon is
	 * parsed as an IPv6 literal by {@link InetAddress#getByName}, without a lookup.
	 */
	static boolean isLoopback(String address) {
		if (address == null) {
			return false;
		}
		if (IPV4.matcher(address).matches()) {
			return address.startsWith("127.");
		}
		if (address.indexOf(':') < 0) {
			return false;
		}
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
