package io.caudal.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.caudal.error.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Answers what Spring Security refuses before any controller runs (no identity, a bad token, a missing CSRF token,
 * a request its firewall rejects) with the same problem details as every other error.
 */
final class ProblemResponses {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProblemResponses() {
	}

	/** 401 with {@code WWW-Authenticate: Bearer}, and the token's error when one was sent. */
	static AuthenticationEntryPoint unauthenticated() {
		BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
		return (request, response, ex) -> {
			bearer.commence(request, response, ex);
			write(response, ErrorCode.UNAUTHENTICATED, detail(ex));
		};
	}

	static AccessDeniedHandler denied() {
		return (request, response, ex) -> write(response, ErrorCode.NOT_AUTHORIZED, detail(ex));
	}

	static RequestRejectedHandler rejected() {
		return (request, response, ex) -> {
			response.setStatus(ErrorCode.INVALID_REQUEST.status());
			write(response, ErrorCode.INVALID_REQUEST, "The request was refused by the server: "
					+ "its URL or headers hold characters or sequences that are not allowed.");
		};
	}

	static void write(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", code.typeUri());
		problem.put("title", code.title());
		problem.put("status", code.status());
		problem.put("detail", detail);
		problem.put("code", code.name());
		response.setStatus(code.status());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		JSON.writeValue(response.getOutputStream(), problem);
	}

	private static String detail(AuthenticationException ex) {
		return (ex instanceof InsufficientAuthenticationException
				|| ex instanceof AuthenticationCredentialsNotFoundException)
				? "This call needs an identity: send Authorization: Bearer with an API key or a token."
				: "The identity sent does not check out: " + ex.getMessage();
	}

	private static String detail(AccessDeniedException ex) {
		return (ex instanceof CsrfException)
				? "A write authenticated by the session cookie needs the CSRF token: send the XSRF-TOKEN cookie's "
						+ "value in the X-XSRF-TOKEN header."
				: "Not authorized: " + ex.getMessage();
	}

}
