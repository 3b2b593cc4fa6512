package io.caudal.api;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tells whether the client of a request that waits in asynchronous mode has closed its connection. Tomcat reads
 * nothing from such a request's socket until its answer is written, so it does not notice on its own. A probe is a
 * non-blocking read through Tomcat's connector: the end of the stream counts as available bytes. Bytes of a request
 * the client pipelined behind this one stay buffered for it, and a second look finds none, so only a closed
 * connection answers yes twice. Only {@link ClientDepartures} probes, and only while Tomcat itself leaves the socket
 * alone.
 */
final class ConnectionProbe {

	private static final String ATTRIBUTE = ConnectionProbe.class.getName();

	private final org.apache.coyote.Request connector;

	private ConnectionProbe(org.apache.coyote.Request connector) {
		this.connector = connector;
	}

	/**
	 * The probe of a request's connection, or null when the request did not come through Tomcat's connector or
	 * declares a body: then Tomcat's body filter counts buffered bytes of a pipelined request as its own, and a probe
	 * could neither tell them from a close nor leave them where the next request's parsing expects them.
	 */
	static ConnectionProbe of(HttpServletRequest request) {
		if (!(request.getAttribute(ATTRIBUTE) instanceof org.apache.coyote.Request connector)
				|| connector.getContentLengthLong() >= 0 || connector.getHeader("Transfer-Encoding") != null) {
			return null;
		}
		return new ConnectionProbe(connector);
	}

	boolean clientClosed() {
		return availableAfterRead() > 0 && availableAfterRead() > 0;
	}

	private int availableAfterRead() {
		this.connector.action(ActionCode.AVAILABLE, Boolean.TRUE);
		return this.connector.getAvailable();
	}

	/** Hands each request its connector request, which the servlet API does not reach. Public for Tomcat. */
	public static final class Publisher extends ValveBase {

		Publisher() {
			super(true);
		}

		@Override
		public void invoke(Request request, Response response) throws IOException, ServletException {
			request.setAttribute(ATTRIBUTE, request.getCoyoteRequest());
			getNext().invoke(request, response);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Registration {

		@Bean
		TomcatContextCustomizer connectionProbes() {
			return context -> context.getPipeline().addValve(new Publisher());
		}

	}

}
