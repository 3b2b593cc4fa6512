package io.caudal.ws;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AccessControl;
import io.caudal.security.CaudalPrincipal;
import io.caudal.security.LiveConnections;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.Quotas;
import io.caudal.security.Right;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.core.Authentication;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * What the socket endpoints share: each session gets a {@link Connection} from the
 * {@link SessionRegistry} (or is refused at its limit), pongs and every message count as signs of
 * life, a binary frame gets an {@code error} frame, and the close lets go of the connection.
 * Subclasses name the {@link #rights} the socket needs, {@link #start} the connection from the socket's URI and
 * {@link #receive} its text messages. The rights are checked before the start and before every message, and the
 * socket is watched by {@link LiveConnections}: when they go, it is closed with 1008 after an {@code error} frame.
 */
abstract class SocketHandler extends AbstractWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(SocketHandler.class);

	private static final String RIGHTS = "caudal.rights";

	private static final String SLOT = "caudal.slot";

	private final SessionRegistry sessions;

	private final Function<WebSocketSession, SocketTransport> transports;

	private final AccessControl access;

	private final LiveConnections live;

	private final Quotas quotas;

	private final PrincipalSlots slots;

	/** @param transports the write side of a session: {@link StandardSocketTransport} on a server */
	SocketHandler(SessionRegistry sessions, Function<WebSocketSession, SocketTransport> transports,
			AccessControl access, LiveConnections live, Quotas quotas, PrincipalSlots slots) {
		this.sessions = sessions;
		this.transports = transports;
		this.access = access;
		this.live = live;
		this.quotas = quotas;
		this.slots = slots;
	}

	SessionRegistry sessions() {
		return this.sessions;
	}

	/**
	 * The rights the socket needs, from its URI, checked before it starts, on every message and whenever ACLs
	 * change.
	 * @throws RuntimeException for a URI that asks for nothing readable, as {@link #start} would
	 */
	abstract List<Right> rights(URI uri);

	/**
	 * Reads what the socket asks for and {@link Connection#start starts} its connection.
	 * @throws RuntimeException to end the socket with an {@code error} frame and a close, as
	 * {@link Connection#fail} does
	 */
	abstract void start(WebSocketSession session, Connection connection);

	/**
	 * Acts on one text message from the client.
	 * @throws CaudalException answered with an {@code error} frame; the socket goes on
	 */
	abstract void receive(WebSocketSession session, Connection connection, String text);

	/**
	 * Runs when the socket has closed, before its connection lets go of everything. Nothing by
	 * default.
	 */
	void ending(WebSocketSession session, CloseStatus status) {
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		Connection connection = this.sessions.open(session.getId(), this.transports.apply(session));
		if (connection == null) {
			return;
		}
		try {
			Authentication caller = caller(session);
			List<Right> rights = rights(session.getUri());
			session.getAttributes().put(RIGHTS, rights);
			requireRights(session);
			takeSlot(session, AccessControl.principalOf(caller));
			connection.throttleBy(this.quotas.throttle(AccessControl.principalOf(caller)));
			start(session, connection);
			this.live.watch(caller, rights, session::isOpen, connection::fail);
		}
		catch (RuntimeException ex) {
			connection.fail(ex);
		}
	}

	/** The identity the handshake proved, or null (security off). */
	static Authentication caller(WebSocketSession session) {
		return (session.getPrincipal() instanceof Authentication authentication) ? authentication : null;
	}

	private void takeSlot(WebSocketSession session, CaudalPrincipal principal) {
		PrincipalSlots.Slot slot = this.slots.tryTake(principal, PrincipalSlots.Kind.SOCKETS);
		if (slot == null) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "Principal '" + principal + "' holds "
					+ this.slots.limit(PrincipalSlots.Kind.SOCKETS) + " sockets, the most one principal may "
					+ "(caudal.security.max-sockets-per-principal); close one first.");
		}
		session.getAttributes().put(SLOT, slot);
	}

	private void requireRights(WebSocketSession session) {
		@SuppressWarnings("unchecked")
		List<Right> rights = (List<Right>) session.getAttributes().get(RIGHTS);
		CaudalPrincipal principal = AccessControl.principalOf(caller(session));
		for (Right right : rights) {
			this.access.require(principal, right.operation(), right.type(), right.name());
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		Connection connection = this.sessions.get(session.getId());
		if (connection == null) {
			return;
		}
		connection.heard();
		try {
			requireRights(session);
		}
		catch (CaudalException ex) {
			connection.fail(ex);
			return;
		}
		try {
			receive(session, connection, message.getPayload());
		}
		catch (CaudalException ex) {
			connection.reject(ex);
		}
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
		Connection connection = this.sessions.get(session.getId());
		if (connection != null) {
			connection.heard();
			connection.reject(new CaudalException(ErrorCode.INVALID_REQUEST,
					"Messages are JSON text frames; a binary frame is not read."));
		}
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		Connection connection = this.sessions.get(session.getId());
		if (connection != null) {
			connection.heard();
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug("Socket {} - Transport error; the socket closes.", session.getId(), exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		if (session.getAttributes().get(SLOT) instanceof PrincipalSlots.Slot slot) {
			slot.release();
		}
		Connection connection = this.sessions.get(session.getId());
		if (connection != null) {
			ending(session, status);
			connection.closed(status);
		}
	}

}
