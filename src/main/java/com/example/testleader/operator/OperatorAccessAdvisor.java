package com.example.testleader.operator;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Puts {@link OperatorAccess} in front of every write and delete operation of every
 * actuator endpoint; reads (health, info, prometheus, the probes, {@code GET
 * /actuator/leadership}) are left as they are.
 *
 * <p>
 * Why an advisor rather than a servlet filter or an interceptor: it wraps the operation
 * itself, chosen by endpoint id and operation type when the endpoints are discovered, so
 * whatever URL reached it (a trailing slash, {@code ;} parameters, percent-encoding, a
 * changed base path) and whichever server serves actuator (its own management port, as
 * here, or the application's), the check runs, and there is no list of paths to keep in
 * step with Spring MVC's matching. A write operation of an endpoint added later is guarded
 * too: with no permission mapped to it, no one passes in {@code kubernetes} mode.
 *
 * <p>
 * The HTTP request comes from Spring MVC's {@link RequestContextHolder} (the dispatcher
 * sets it for every request it serves); a call with no HTTP request behind it (JMX) is
 * refused.
 */
final class OperatorAccessAdvisor implements OperationInvokerAdvisor, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(OperatorAccessAdvisor.class);

	private final OperatorAccessProperties.Auth auth;

	private final Map<EndpointId, OperatorAction> actions;

	private final OperatorAccess access;

	OperatorAccessAdvisor(OperatorAccessProperties.Auth auth, Map<EndpointId, OperatorAction> actions,
			OperatorAccess access) {
		this.auth = auth;
		this.actions = Map.copyOf(actions);
		this.access = access;
	}

	OperatorAccessProperties.Auth auth() {
		return this.auth;
	}

	Map<EndpointId, OperatorAction> actions() {
		return this.actions;
	}

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (operationType == OperationType.READ) {
			return invoker;
		}
		OperatorAction action = this.actions.getOrDefault(endpointId,
				OperatorAction.unmapped(endpointId, operationType));
		return (context) -> {
			Decision decision = decide(action.forArguments(context.getArguments()));
			if (!decision.allowed()) {
				return new WebEndpointResponse<>(Map.of("message", decision.message()), decision.status());
			}
			return invoker.invoke(context);
		};
	}

	private Decision decide(OperatorAction action) {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (!(attributes instanceof ServletRequestAttributes servlet)) {
			return Decision.forbidden("Operator endpoints can be called over HTTP only");
		}
		HttpServletRequest request = servlet.getRequest();
		Decision decision = this.access.check(request, action);
		if (decision.allowed()) {
			log.info("Operator call by {}: {} {}", decision.caller(), request.getMethod(), request.getRequestURI());
		}
		HttpServletResponse response = servlet.getResponse();
		if (decision.status() == 401 && response != null) {
			// RFC 6750: a 401 names the scheme that would be accepted
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"test-leader\"");
		}
		return decision;
	}

	@Override
	public void close() {
		this.access.close();
	}

}
