package io.caudal.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * One line per call of an {@link Audited} endpoint, on the logger {@code caudal.audit}, whatever its outcome:
 * principal, operation (the API's operationId), resource (the request path), outcome (the status) and client
 * address, as {@code key=value} pairs, and as key-value pairs for structured logging.
 */
class AuditLog implements HandlerInterceptor {

	private static final Logger logger = LoggerFactory.getLogger("caudal.audit");

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (request.getDispatcherType() != DispatcherType.REQUEST || !(handler instanceof HandlerMethod method)) {
			return;
		}
		Audited audited = method.getMethodAnnotation(Audited.class);
		if (audited == null) {
			return;
		}
		io.swagger.v3.oas.annotations.Operation operation = method
			.getMethodAnnotation(io.swagger.v3.oas.annotations.Operation.class);
		String operationId = (operation != null) ? operation.operationId() : method.getMethod().getName();
		String principal = AccessControl.caller().toString();
		int status = response.getStatus();
		String outcome = (status < 400) ? "success" : (status == 401 || status == 403) ? "refused" : "failed";
		logger.atInfo()
			.addKeyValue("principal", principal)
			.addKeyValue("operation", operationId)
			.addKeyValue("resource", audited.value() + " " + request.getRequestURI())
			.addKeyValue("outcome", outcome)
			.addKeyValue("status", status)
			.addKeyValue("client", request.getRemoteAddr())
			.log("principal=\"{}\" operation={} resource=\"{} {}\" outcome={} status={} client={}",
					principal.replace("\"", "\\\""), operationId, audited.value(), request.getRequestURI(), outcome,
					status, request.getRemoteAddr());
	}

}
