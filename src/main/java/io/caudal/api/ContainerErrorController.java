package io.caudal.api;

import java.util.Map;

import io.caudal.error.ErrorCode;
import io.caudal.security.NeedsNoRights;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors raised before a request reaches a controller (a URL the servlet container
 * refuses, say) with the same problem details as everything else.
 */
@Hidden
@RestController
class ContainerErrorController implements ErrorController {

	@RequestMapping("/error")
	@NeedsNoRights("answers the error of a request that was already let in or refused")
	ResponseEntity<Object> error(HttpServletRequest request) {
		Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = (statusAttribute instanceof Integer code) ? code : 500;
		HttpStatus httpStatus = HttpStatus.resolve(status);
		String reason = (httpStatus != null) ? httpStatus.getReasonPhrase() : "Error";
		ErrorCode code = (status >= 500) ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
		return Problems.response(Problems.of(HttpStatusCode.valueOf(status), code, refusal(reason), Map.of()));
	}

	/** The detail of an error the container raised: its reason phrase, in one sentence. */
	static String refusal(String reason) {
		return "The request was refused by the server: " + reason + ".";
	}

}
