package io.caudal.ws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.caudal.config.CaudalProperties;
import io.caudal.group.GroupCoordinator;
import io.caudal.security.AccessControl;
import io.caudal.security.AclOperation;
import io.caudal.security.LiveConnections;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.Quotas;
import io.caudal.security.ResourceType;
import io.caudal.security.Right;
import io.caudal.security.StaticInstances;
import io.caudal.topic.FetchService;
import io.caudal.topic.RecordEncoder;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * {@code /ws/groups/{group}?topics=…&assignor=…&autoOffsetReset=…&autoCommit=…&credit=…}: the
 * socket is a member of a consumer group, as a {@link SocketMember}. It gets {@code joined}, then
 * {@code assignment} after every change and {@code records} of the partitions it reads, never more
 * than its credit; it takes {@code credit} and {@code commit} messages, the latter answered by
 * {@code committed}. A bad query or an unknown topic gets an {@code error} frame and close 1008; a
 * bad message or a refused commit gets an {@code error} frame and the socket goes on. Thin: it
 * translates frames into calls on the member and the socket's {@link Connection}.
 */
final class GroupSocketHandler extends SocketHandler {

	/** The session attribute holding the socket's {@link SocketMember}. */
	private static final String MEMBER = SocketMember.class.getName();

	private final GroupCoordinator coordinator;

	private final FetchService fetch;

	private final RecordEncoder encoder;

	private final CaudalProperties.Websocket settings;

	private final StaticInstances instances;

	/**
	 * @param settings its rebalance timeout and auto-commit interval
	 * @param transports the write side of a session: {@link StandardSocketTransport} on a server
	 */
	GroupSocketHandler(GroupCoordinator coordinator, FetchService fetch, RecordEncoder encoder,
			CaudalProperties.Websocket settings, SessionRegistry sessions,
			Function<WebSocketSession, SocketTransport> transports, AccessControl access, LiveConnections live,
			Quotas quotas, PrincipalSlots slots, StaticInstances instances) {
		super(sessions, transports, access, live, quotas, slots);
		this.instances = instances;
		this.coordinator = coordinator;
		this.fetch = fetch;
		this.encoder = encoder;
		this.settings = settings;
	}

	@Override
	List<Right> rights(URI uri) {
		GroupSocketRequest request = GroupSocketRequest.parse(uri, this.settings.rebalanceTimeout());
		List<Right> rights = new ArrayList<>();
		rights.add(new Right(AclOperation.READ, ResourceType.GROUP, request.group()));
		request.member().topics().forEach(topic -> rights.add(new Right(AclOperation.READ, ResourceType.TOPIC, topic)));
		return rights;
	}

	@Override
	void start(WebSocketSession session, Connection connection) {
		GroupSocketRequest request = GroupSocketRequest.parse(session.getUri(), this.settings.rebalanceTimeout());
		this.instances.claim(request.group(), request.member().instanceId(),
				AccessControl.principalOf(caller(session)));
		SocketMember member = SocketMember.join(request, connection, this.coordinator, this.fetch, this.encoder,
				sessions().time(), this.settings);
		session.getAttributes().put(MEMBER, member);
		connection.start(member, request.credit());
	}

	@Override
	void receive(WebSocketSession session, Connection connection, String text) {
		SocketMember member = member(session);
		if (member == null) {
			// The socket did not join: it is closing.
			return;
		}
		ClientMessage message = sessions().codec().decode(text, ClientMessage.class);
		if (message instanceof ClientMessage.Commit commit) {
			member.commit(commit);
		}
		else if (message instanceof ClientMessage.Ack ack) {
			member.ack(ack);
		}
		else if (message instanceof ClientMessage.Credit credit) {
			connection.grant(credit.records());
		}
	}

	@Override
	void ending(WebSocketSession session, CloseStatus status) {
		SocketMember member = member(session);
		if (member != null) {
			member.ending(status);
		}
	}

	private static SocketMember member(WebSocketSession session) {
		return (SocketMember) session.getAttributes().get(MEMBER);
	}

}
