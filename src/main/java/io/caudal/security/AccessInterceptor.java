package io.caudal.security;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Checks an endpoint's {@link Requires} rights before its handler reads anything. The dispatch that completes a
 * long poll is not checked again: its answer was authorized when the poll began.
 */
class AccessInterceptor implements HandlerInterceptor {

	private final AccessControl access;

	/** Each handler's rights, read once: the reflective lookup copies its array on every call. */
	private final Map<Method, Requires[]> rules = new ConcurrentHashMap<>();

	AccessInterceptor(AccessControl access) {
		this.access = access;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (request.getDispatcherType() == DispatcherType.ASYNC || !(handler instanceof HandlerMethod method)) {
			return true;
		}
		Requires[] rights = this.rules.computeIfAbsent(method.getMethod(),
				declared -> declared.getAnnotationsByType(Requires.class));
		if (rights.length == 0) {
			return true;
		}
		@SuppressWarnings("unchecked")
		Map<String, String> variables = (Map<String, String>) request
			.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		CaudalPrincipal caller = AccessControl.caller();
		for (Requires right : rights) {
			String name = (right.on() == ResourceType.CLUSTER) ? ResourceType.CLUSTER_NAME
					: variables.get(right.name());
			this.access.require(caller, right.value(), right.on(), name);
		}
		return true;
	}

}
