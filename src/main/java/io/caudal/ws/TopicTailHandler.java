package io.caudal.ws;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

import io.caudal.security.AccessControl;
import io.caudal.security.AclOperation;
import io.caudal.security.LiveConnections;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.Quotas;
import io.caudal.security.ResourceType;
import io.caudal.security.Right;
import io.caudal.topic.FetchService;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicService;
import io.caudal.topic.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.WebSocketSession;

/**
 * {@code /ws/topics/{topic}?from=earliest|latest|timestamp:T&credit=N}: pushes the records of
 * every partition of a topic, without a group, as {@code records} frames, never more than the
 * client's credit; takes {@code credit} messages. A bad query or an unknown topic gets an
 * {@code error} frame and close 1008; a bad message gets an {@code error} frame and the socket
 * goes on. Thin: it translates frames into calls on the socket's {@link Connection}.
 */
final class TopicTailHandler extends SocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(TopicTailHandler.class);

	private final TopicService topics;

	private final FetchService fetch;

	private final RecordEncoder encoder;

	/** @param transports the write side of a session: {@link StandardSocketTransport} on a server */
	TopicTailHandler(TopicService topics, FetchService fetch, RecordEncoder encoder, SessionRegistry sessions,
			Function<WebSocketSession, SocketTransport> transports, AccessControl access, LiveConnections live,
			Quotas quotas, PrincipalSlots slots) {
		super(sessions, transports, access, live, quotas, slots);
		this.topics = topics;
		this.fetch = fetch;
		this.encoder = encoder;
	}

	@Override
	List<Right> rights(URI uri) {
		return List.of(new Right(AclOperation.READ, ResourceType.TOPIC, TailRequest.parse(uri).topic()));
	}

	@Override
	void start(WebSocketSession session, Connection connection) {
		TailRequest request = TailRequest.parse(session.getUri());
		TopicTail tail = TopicTail.open(this.topics, this.fetch, request.topic(), request.from());
		connection.start(new TopicTailSource(tail, this.encoder), request.credit());
		logger.debug("Socket {} - Tailing topic {} from {} with credit {}.", session.getId(), request.topic(),
				request.from(), request.credit());
	}

	@Override
	void receive(WebSocketSession session, Connection connection, String text) {
		connection.grant(sessions().codec().decode(text, ClientMessage.Credit.class).records());
	}

}
