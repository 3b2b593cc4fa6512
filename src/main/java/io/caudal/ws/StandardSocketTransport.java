package io.caudal.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import org.apache.tomcat.websocket.Utf8TextMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.WebSocketSession;

/**
 * A {@link SocketTransport} over the Jakarta WebSocket session that Tomcat gives Spring's standard
 * WebSocket support. Text frames go through the session's asynchronous endpoint, so a client that stops reading
 * holds no thread; on Tomcat their UTF-8 bytes are written as they are ({@link Utf8TextMessages}), elsewhere
 * through the standard text API. Pings and close frames can only be written blocking; Tomcat bounds them per
 * session with the property set here (the send time limit), and Tomcat writes a close frame other than 1000 with
 * its own short timeout.
 */
final class StandardSocketTransport implements SocketTransport {

	/** Tomcat's per-session bound on blocking writes, in milliseconds. */
	static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final Logger logger = LoggerFactory.getLogger(StandardSocketTransport.class);

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final WebSocketSession session;

	private final Session nativeSession;

	StandardSocketTransport(WebSocketSession session, Duration sendTimeLimit) {
		this.session = session;
		this.nativeSession = (session instanceof NativeWebSocketSession standard)
				? standard.getNativeSession(Session.class) : null;
		if (this.nativeSession == null) {
			throw new IllegalStateException("Socket " + session.getId() + " is not a Jakarta WebSocket session; "
					+ "Caudal's sockets need the servlet container's standard WebSocket support.");
		}
		this.nativeSession.getUserProperties().put(BLOCKING_SEND_TIMEOUT, sendTimeLimit.toMillis());
	}

	@Override
	public void sendText(ByteBuffer utf8, Consumer<Throwable> written) {
		SendHandler handler = result -> written.accept(result.isOK() ? null : result.getException());
		try {
			RemoteEndpoint.Async remote = this.nativeSession.getAsyncRemote();
			if (!Utf8TextMessages.send(remote, utf8, handler)) {
				remote.sendText(StandardCharsets.UTF_8.decode(utf8).toString(), handler);
			}
		}
		catch (RuntimeException ex) {
			// The session closed under us: reported like any failed write.
			written.accept(ex);
		}
	}

	@Override
	public void sendPing() throws IOException {
		this.nativeSession.getBasicRemote().sendPing(EMPTY.duplicate());
	}

	@Override
	public void close(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Socket {} - Closing with {} failed; the connection is dropped.", this.session.getId(),
					status, ex);
		}
	}

}
