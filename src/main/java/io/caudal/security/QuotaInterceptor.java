package io.caudal.security;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Counts every call against the caller's {@code request_rate}, a produce's body against its
 * {@code producer_byte_rate}, and refuses a fetch while its {@code consumer_byte_rate} is in debt; a refusal is 429
 * {@code THROTTLED} with {@code Retry-After}, before anything is read.
 */
class QuotaInterceptor implements HandlerInterceptor {

	private final Quotas quotas;

	QuotaInterceptor(Quotas quotas) {
		this.quotas = quotas;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (request.getDispatcherType() != DispatcherType.REQUEST || !(handler instanceof HandlerMethod method)) {
			return true;
		}
		CaudalPrincipal caller = AccessControl.caller();
		this.quotas.request(caller);
		QuotaCounted counted = method.getMethodAnnotation(QuotaCounted.class);
		if (counted == null) {
			return true;
		}
		if (counted.value() == QuotaCounted.Kind.CONSUMED) {
			this.quotas.beforeConsuming(caller);
			return true;
		}
		long bytes = request.getContentLengthLong();
		if (bytes < 0 && this.quotas.limitsProduction(caller)) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Under a producer_byte_rate quota a produce "
					+ "declares its size: send Content-Length rather than a chunked body.");
		}
		this.quotas.produce(caller, Math.max(bytes, 0));
		return true;
	}

}
