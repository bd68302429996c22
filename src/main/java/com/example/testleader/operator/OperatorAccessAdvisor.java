package com.example.testleader.operator;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.HandlerMapping;

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
 * The permission is checked on the object the operation acts on, and nothing the caller
 * adds can change which: Spring Boot hands the operation, as arguments, the path's
 * variables and then every JSON field and query parameter of the request, each one
 * replacing the one before of the same name. So the Lease is taken from the operation's
 * own declared {@link Selector} (the role in {@code /actuator/leadership/{role}}), read
 * from the matched path, and an operation without one acts on the default role's Lease,
 * whatever else the request carries. A request whose query or body gives the selector
 * another value than its path is refused (400): the operation would act on that value.
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
		String selector = action.onLeases() ? selector(parameters) : null;
		return (context) -> {
			if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet)) {
				return refusal(Decision.forbidden("Operator endpoints can be called over HTTP only"));
			}
			HttpServletRequest request = servlet.getRequest();
			OperatorAction called = action;
			if (selector != null) {
				String named = pathVariable(request, selector);
				Object argument = context.getArguments().get(selector);
				if (named == null || !named.equals(argument)) {
					return new WebEndpointResponse<>(Map.of("message", "The " + selector + " is named by the path ("
							+ request.getRequestURI() + "); the request names another (" + argument + ") besides"),
							400);
				}
				called = action.onLease(named);
			}
			Decision decision = decide(servlet, called);
			if (!decision.allowed()) {
				return refusal(decision);
			}
			return invoker.invoke(context);
		};
	}

	/** The name of the operation's {@link Selector} parameter, or {@code null} for none. */
	private static String selector(OperationParameters parameters) {
		return parameters.stream()
			.filter((parameter) -> parameter.getAnnotation(Selector.class) != null)
			.map(OperationParameter::getName)
			.findFirst()
			.orElse(null);
	}

	@SuppressWarnings("unchecked")
	private static String pathVariable(HttpServletRequest request, String name) {
		Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return (variables instanceof Map<?, ?> map) ? ((Map<String, String>) map).get(name) : null;
	}

	private static WebEndpointResponse<Map<String, String>> refusal(Decision decision) {
		return new WebEndpointResponse<>(Map.of("message", decision.message()), decision.status());
	}

	private Decision decide(ServletRequestAttributes servlet, OperatorAction action) {
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
