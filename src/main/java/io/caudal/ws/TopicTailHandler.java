package io.caudal.ws;

import java.util.function.Function;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * {@code /ws/topics/{topic}?from=earliest|latest|timestamp:T&credit=N}: pushes the records of
 * every partition of a topic, without a group, as {@code records} frames, never more than the
 * client's credit; takes {@code credit} messages. A bad query or an unknown topic gets an
 * {@code error} frame and close 1008; a bad message gets an {@code error} frame and the socket
 * goes on. Thin: it translates frames into calls on the socket's {@link Connection}.
 */
final class TopicTailHandler extends AbstractWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(TopicTailHandler.class);

	private final TopicRegistry topics;

	private final SessionRegistry sessions;

	private final Function<WebSocketSession, SocketTransport> transports;

	/** @param transports the write side of a session: {@link StandardSocketTransport} on a server */
	TopicTailHandler(TopicRegistry topics, SessionRegistry sessions,
			Function<WebSocketSession, SocketTransport> transports) {
		this.topics = topics;
		this.sessions = sessions;
		this.transports = transports;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		Connection connection = this.sessions.open(session.getId(), this.transports.apply(session));
		if (connection == null) {
			return;
		}
		try {
			TailRequest request = TailRequest.parse(session.getUri());
			connection.start(TopicTail.open(this.topics, request.topic(), request.from()), request.credit());
			logger.debug("Socket {} - Tailing topic {} from {} with credit {}.", session.getId(), request.topic(),
					request.from(), request.credit());
		}
		catch (RuntimeException ex) {
			connection.fail(ex);
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
			connection.grant(this.sessions.codec().decode(message.getPayload(), ClientMessage.Credit.class).records());
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
		Connection connection = this.sessions.get(session.getId());
		if (connection != null) {
			connection.closed(status);
		}
	}

}
