package io.caudal.api;

import java.net.URI;
import java.util.Map;

import io.caudal.error.ErrorCode;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds RFC 9457 problem details carrying the contract's {@code code}. */
final class Problems {

	private Problems() {
	}

	static ProblemDetail of(ErrorCode code, String detail, Map<String, Object> properties) {
		return of(HttpStatusCode.valueOf(code.status()), code, detail, properties);
	}

	/** A problem with a status that may differ from the code's own (405, 415, ... are INVALID_REQUEST). */
	static ProblemDetail of(HttpStatusCode status, ErrorCode code, String detail, Map<String, Object> properties) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(code.typeUri()));
		problem.setTitle(code.title());
		problem.setProperty("code", code.name());
		properties.forEach(problem::setProperty);
		return problem;
	}

	static ResponseEntity<Object> response(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
