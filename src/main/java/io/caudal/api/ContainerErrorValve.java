package io.caudal.api;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.error.ErrorCode;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Writes the errors Tomcat answers itself, before any servlet sees the request (a URL it cannot decode, a header
 * too long, too many parameters, a bad {@code Host}), as problem details with a {@code code} instead of Tomcat's
 * HTML page. It replaces the host's error report valve; errors that reach the application are answered by
 * {@link ContainerErrorController} and {@link ProblemAdvice}. Public because Tomcat creates it by its class name.
 */
public final class ContainerErrorValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean();
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		if (status == HttpStatus.NOT_IMPLEMENTED.value()) {
			// Tomcat's only 501 is for a Transfer-Encoding it cannot decode: a client's mistake, so a 4xx.
			status = HttpStatus.BAD_REQUEST.value();
			response.setStatus(status);
		}
		try {
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(problem(status));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client is gone or the response cannot take a body; there is no one left to tell.
		}
	}

	/** The problem as JSON; only fixed text, so nothing from the request needs escaping. */
	static String problem(int status) {
		HttpStatus known = HttpStatus.resolve(status);
		String reason = (known != null) ? known.getReasonPhrase() : "Error";
		ErrorCode code = (status >= 500) ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
		return "{\"type\":\"" + code.typeUri() + "\",\"title\":\"" + code.title() + "\",\"status\":" + status
				+ ",\"detail\":\"" + ContainerErrorController.refusal(reason) + "\",\"code\":\"" + code.name() + "\"}";
	}

	/** Puts the valve in place of Tomcat's own before the host starts. */
	@Configuration(proxyBeanMethods = false)
	static class Registration {

		@Bean
		TomcatContextCustomizer problemErrorReports() {
			return context -> {
				Host host = (Host) context.getParent();
				if (host instanceof StandardHost standard) {
					standard.setErrorReportValveClass(ContainerErrorValve.class.getName());
				}
			};
		}

	}

}
