package io.caudal.api;

import java.net.URI;
import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AccessControl;
import io.caudal.security.ResourceType;
import io.caudal.security.CallerAuthentication;
import io.caudal.security.CaudalPrincipal;
import io.caudal.security.NeedsNoRights;
import io.caudal.security.SocketTickets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Browser sessions (a cookie for pages, sockets and EventSource) and single-use socket tickets. */
@RestController
@Tag(name = "Security")
class SessionController {

	/** Idle sessions end after 30 minutes; a minute is a fair first wait. */
	private static final int SESSIONS_RETRY_SECONDS = 60;

	private final AccessControl access;

	private final SocketTickets tickets;

	private final HttpSessionSecurityContextRepository sessions;

	SessionController(AccessControl access, SocketTickets tickets, HttpSessionSecurityContextRepository sessions) {
		this.access = access;
		this.tickets = tickets;
		this.sessions = sessions;
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@PostMapping(path = "/session", produces = { MediaType.APPLICATION_JSON_VALUE,
			MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "openSession", summary = "Open a browser session",
			description = "With Authorization: Bearer <key or token>, sets the session cookie (HttpOnly, "
					+ "SameSite=Strict, Secure under TLS) that REST calls, sockets and EventSource then carry, and the "
					+ "XSRF-TOKEN cookie whose value writes made with the session must send as X-XSRF-TOKEN. With "
					+ "security off it sets nothing: every caller is trusted.")
	@ApiResponse(responseCode = "204", description = "The session is open")
	@ApiResponse(responseCode = "401", description = "UNAUTHENTICATED: no bearer token, or a bad one")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: caudal.security.max-sessions sessions are alive")
	@NeedsNoRights("any identity may open a session for itself")
	ResponseEntity<Void> open(HttpServletRequest request, HttpServletResponse response) {
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		if (this.access.enabled() && caller instanceof CallerAuthentication) {
			HttpSession previous = request.getSession(false);
			if (previous != null) {
				previous.invalidate();
			}
			try {
				request.getSession(true);
			}
			catch (IllegalStateException full) {
				throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server holds caudal.security.max-sessions "
						+ "browser sessions; try again once some have ended.",
						Map.of(CaudalException.RETRY_AFTER_SECONDS, SESSIONS_RETRY_SECONDS));
			}
			SecurityContext context = SecurityContextHolder.createEmptyContext();
			context.setAuthentication(caller);
			this.sessions.saveContext(context, request, response);
			if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken csrf) {
				// Reading the token is what writes its cookie.
				csrf.getToken();
			}
		}
		return ResponseEntity.noContent().build();
	}

	@GetMapping(path = "/session", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "describeSession", summary = "Who am I",
			description = "The caller's principal, however it was proven (key, token, cookie, certificate).")
	@NeedsNoRights("every caller may learn its own identity")
	SecurityResponses.Session describe() {
		return new SecurityResponses.Session(AccessControl.caller().toString(), this.access.enabled(),
				this.access.authorizedOperations(ResourceType.CLUSTER, ResourceType.CLUSTER_NAME));
	}

	// Only an error has a body, so a client that accepts nothing but problem details is served too.
	@DeleteMapping(path = "/session", produces = { MediaType.APPLICATION_JSON_VALUE,
			MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(operationId = "closeSession", summary = "End the browser session",
			description = "Ends the session the cookie names; the cookie authenticates nothing from now on.")
	@ApiResponse(responseCode = "204", description = "Ended")
	@NeedsNoRights("every caller may end its own session")
	ResponseEntity<Void> close(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping(path = "/ws-tickets", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "createSocketTicket", summary = "Get a socket ticket",
			description = "A single-use ticket, valid 30 s, for one WebSocket handshake: ws(s)://…/ws/…?ticket=<ticket>. "
					+ "For socket clients that can send neither Authorization nor the session cookie; the socket gets "
					+ "the caller's identity. The key or token itself never goes into a URL.")
	@ApiResponse(responseCode = "201", description = "The ticket; Location is the socket path family it serves")
	@ApiResponse(responseCode = "429", description = "RESOURCE_LIMIT: too many tickets are waiting to be used")
	@NeedsNoRights("a ticket carries the caller's own identity and rights, no more")
	ResponseEntity<SecurityResponses.Ticket> ticket() {
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		CallerAuthentication identity = (caller instanceof CallerAuthentication known) ? known
				: new CallerAuthentication(CaudalPrincipal.ANONYMOUS, "anonymous");
		return ResponseEntity.created(URI.create("/ws/"))
			.body(SecurityResponses.Ticket.of(this.tickets.issue(identity)));
	}

}
