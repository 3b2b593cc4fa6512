package io.caudal.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.caudal.budget.MemoryBudgets;
import io.caudal.config.CaudalProperties;
import io.caudal.group.GroupCoordinator;
import io.caudal.time.Time;
import io.caudal.security.AccessControl;
import io.caudal.security.LiveConnections;
import io.caudal.security.PrincipalSlots;
import io.caudal.security.Quotas;
import io.caudal.security.StaticInstances;
import io.caudal.topic.FetchService;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Wires the WebSocket endpoints, {@code /ws/topics/{topic}} and {@code /ws/groups/{group}}: plain
 * JSON text frames, no STOMP. The handshake accepts pages of the same origin, of
 * {@code caudal.cors.allowed-origins} and of {@code caudal.websocket.allowed-origin-patterns}
 * (localhost by default), and clients that send no {@code Origin} (not browsers).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class WebSocketConfiguration {

	/**
	 * The binary message buffer: clients send no binary messages (each gets an error frame), so a
	 * small one is enough.
	 */
	private static final int MAX_BINARY_MESSAGE_BYTES = 1024;

	/**
	 * Tells the servlet container the largest message a client may send. Tomcat allocates both
	 * message buffers for every socket when it opens, so their sizes are what an idle socket costs:
	 * with 64 KiB each, 1,000 idle sockets held about 240 MiB of heap.
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer(CaudalProperties properties) {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(Math.toIntExact(properties.websocket().maxMessageSize().toBytes()));
		container.setMaxBinaryMessageBufferSize(MAX_BINARY_MESSAGE_BYTES);
		return container;
	}

	@Bean
	SessionRegistry sessionRegistry(CaudalProperties properties, JsonMapper json, Time time, MeterRegistry meters,
			MemoryBudgets budgets) {
		CaudalProperties.Websocket settings = properties.websocket();
		return new SessionRegistry(settings, new MessageCodec(json), time, meters,
				SessionRegistry.pumpThreads(settings.maxSessions()), budgets.websocket());
	}

	@Bean
	TopicTailHandler topicTailHandler(TopicService topics, FetchService fetch, RecordEncoder encoder,
			SessionRegistry sessions, CaudalProperties properties, AccessControl access, LiveConnections live,
			Quotas quotas, PrincipalSlots slots) {
		return new TopicTailHandler(topics, fetch, encoder, sessions, transports(properties), access, live, quotas,
				slots);
	}

	@Bean
	GroupSocketHandler groupSocketHandler(GroupCoordinator coordinator, FetchService fetch, RecordEncoder encoder,
			SessionRegistry sessions, CaudalProperties properties, AccessControl access, LiveConnections live,
			Quotas quotas, PrincipalSlots slots, StaticInstances instances) {
		return new GroupSocketHandler(coordinator, fetch, encoder, properties.websocket(), sessions,
				transports(properties), access, live, quotas, slots, instances);
	}

	@Bean
	WebSocketConfigurer webSocketEndpoints(TopicTailHandler topicTailHandler, GroupSocketHandler groupSocketHandler,
			CaudalProperties properties) {
		List<String> origins = new ArrayList<>(properties.cors().allowedOrigins());
		origins.addAll(properties.websocket().allowedOriginPatterns());
		String[] allowed = origins.toArray(String[]::new);
		return registry -> {
			registry.addHandler(topicTailHandler, "/ws/topics/*").setAllowedOriginPatterns(allowed);
			registry.addHandler(groupSocketHandler, "/ws/groups/*").setAllowedOriginPatterns(allowed);
		};
	}

	private static Function<WebSocketSession, SocketTransport> transports(CaudalProperties properties) {
		return session -> new StandardSocketTransport(session, properties.websocket().sendTimeLimit());
	}

}
