package io.caudal.api;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into an RFC 9457 problem with the contract's {@code code}. Client mistakes
 * are 4xx with a sentence naming what was wrong; nothing internal (class names, paths, stack
 * traces) is ever sent.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemAdvice.class);

	@ExceptionHandler(CaudalException.class)
	ResponseEntity<Object> caudal(CaudalException ex) {
		ResponseEntity<Object> response = Problems.response(Problems.of(ex.code(), ex.getMessage(), ex.properties()));
		if (ex.code() == ErrorCode.UNAUTHENTICATED) {
			// Only a credential revoked while its request waited gets here; the filter chain answers the others.
			return ResponseEntity.status(response.getStatusCode())
				.headers(response.getHeaders())
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
				.body(response.getBody());
		}
		if (ex.properties().get(CaudalException.RETRY_AFTER_SECONDS) instanceof Integer seconds) {
			return ResponseEntity.status(response.getStatusCode())
				.headers(response.getHeaders())
				.header(HttpHeaders.RETRY_AFTER, seconds.toString())
				.body(response.getBody());
		}
		return response;
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex) {
		return Problems.response(Problems.of(ErrorCode.INVALID_REQUEST,
				"Parameter '" + ex.getName() + "' has an invalid value '" + ex.getValue() + "'.", Map.of()));
	}

	/** A body declared or read past the server's maximum, wherever the reading was. */
	@ExceptionHandler(RequestTooLargeException.class)
	ResponseEntity<Object> tooLarge(RequestTooLargeException ex) {
		return Problems.response(
				Problems.of(ErrorCode.REQUEST_TOO_LARGE, ex.getMessage(), Map.of("maxBytes", ex.maxBytes())));
	}

	/** Tomcat decodes query and form parameters lazily, so a bad escape in them surfaces here. */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> undecodableParameters(InvalidParameterException ex) {
		return Problems.response(Problems.of(ErrorCode.INVALID_REQUEST,
				"The request's parameters (query or form body) hold an escape that cannot be decoded.", Map.of()));
	}

	/**
	 * Spring Security's firewall checks parameter names when they are first read, which for a form body is inside
	 * the handler's argument resolution; the filter chain's own refusals are answered by Caudal's security config.
	 */
	@ExceptionHandler(RequestRejectedException.class)
	ResponseEntity<Object> rejectedByTheFirewall(RequestRejectedException ex) {
		return Problems.response(Problems.of(ErrorCode.INVALID_REQUEST, "The request was refused by the server: its "
				+ "parameters hold characters that are not allowed.", Map.of()));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception ex) {
		logger.error("Request failed unexpectedly.", ex);
		return Problems.response(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL_ERROR,
				"The server failed to handle the request; the failure has been logged.", Map.of()));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		RequestTooLargeException tooLarge = causeOf(ex, RequestTooLargeException.class);
		if (tooLarge != null) {
			return tooLarge(tooLarge);
		}
		return Problems.response(Problems.of(ErrorCode.INVALID_REQUEST, unreadableBody(ex), Map.of()));
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		String detail = (body instanceof ProblemDetail problem && problem.getDetail() != null) ? problem.getDetail()
				: (ex instanceof ErrorResponse response && response.getBody().getDetail() != null)
						? response.getBody().getDetail() : HttpStatus.valueOf(statusCode.value()).getReasonPhrase();
		ErrorCode code = statusCode.is5xxServerError() ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
		ProblemDetail problem = Problems.of(statusCode, code, detail, Map.of());
		return ResponseEntity.status(statusCode)
			.headers(headers)
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	/** A sentence about what is wrong with the body, naming the field, never a Java type. */
	private static String unreadableBody(HttpMessageNotReadableException ex) {
		JacksonException jackson = causeOf(ex, JacksonException.class);
		if (jackson instanceof UnrecognizedPropertyException unknown) {
			return "Unknown field '" + path(unknown) + "'.";
		}
		if (jackson instanceof InputCoercionException) {
			return "Field '" + path(jackson) + "' holds a number out of range.";
		}
		if (jackson instanceof InvalidFormatException || jackson instanceof MismatchedInputException) {
			String field = path((JacksonException) jackson);
			return field.isEmpty() ? "The request body does not have the expected shape."
					: "Field '" + field + "' has the wrong type or an invalid value.";
		}
		if (jackson instanceof StreamReadException) {
			return "The request body is not valid JSON: " + jackson.getOriginalMessage() + ".";
		}
		return "The request body is missing or unreadable.";
	}

	private static String path(JacksonException ex) {
		List<JacksonException.Reference> references = ex.getPath();
		return references.stream()
			.map(ref -> (ref.getPropertyName() != null) ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
			.collect(Collectors.joining("."))
			.replace(".[", "[");
	}

	private static <T extends Throwable> T causeOf(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}
