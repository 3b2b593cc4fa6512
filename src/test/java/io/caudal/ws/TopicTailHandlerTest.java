package io.caudal.ws;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.caudal.security.SecurityOff;
import io.caudal.support.FakeTime;
import io.caudal.budget.ByteBudget;
import io.caudal.config.CaudalProperties;
import io.caudal.support.StorageHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tail socket's protocol without a network: the handler is called with {@link StubSocket}s,
 * pumps run on a {@link TaskQueue} when the test says, and the keeper's checks run on a
 * {@link FakeTime}.
 */
class TopicTailHandlerTest {

	private static final Duration SEND_TIME_LIMIT = Duration.ofSeconds(10);

	private static final Duration PING_INTERVAL = Duration.ofSeconds(20);

	@TempDir
	Path dir;

	private final TaskQueue pumps = new TaskQueue();

	private StorageHarness door;

	private FakeTime time;

	private SimpleMeterRegistry meters;

	private SessionRegistry sessions;

	private TopicTailHandler handler;

	@BeforeEach
	void start() {
		this.door = new StorageHarness(this.dir);
		this.time = this.door.time;
		useSettings(100, DataSize.ofKilobytes(64));
	}

	@AfterEach
	void stop() {
		this.sessions.stop();
		this.door.close();
	}

	private void useSettings(int maxSessions, DataSize sendBuffer) {
		if (this.sessions != null) {
			this.sessions.stop();
		}
		this.meters = new SimpleMeterRegistry();
		CaudalProperties.Websocket settings = new CaudalProperties.Websocket(maxSessions, sendBuffer, SEND_TIME_LIMIT,
				PING_INTERVAL, DataSize.ofKilobytes(64), List.of(), Duration.ofSeconds(5), Duration.ofSeconds(5), DataSize.ofMegabytes(64));
		this.sessions = new SessionRegistry(settings, new MessageCodec(JsonMapper.builder().build()), this.time,
				this.meters, this.pumps, new ByteBudget("caudal.websocket.max-buffered-bytes", 1 << 30));
		this.handler = new TopicTailHandler(this.door.topics, this.door.fetch, this.door.encoder, this.sessions,
				session -> (StubSocket) session, SecurityOff.access(), SecurityOff.live(), SecurityOff.quotas(),
				SecurityOff.slots());
	}

	private void topic(String name, int partitions) {
		this.door.createTopic(name, partitions);
	}

	private void append(String topic, int partition, String... values) {
		this.door.append(topic, partition, values);
	}

	private static String[] numbers(int from, int count) {
		return IntStream.range(from, from + count).mapToObj(String::valueOf).toArray(String[]::new);
	}

	private StubSocket connect(String id, String pathAndQuery) {
		StubSocket socket = new StubSocket(id, pathAndQuery);
		this.handler.afterConnectionEstablished(socket);
		return socket;
	}

	private void receive(StubSocket socket, WebSocketMessage<?> message) {
		try {
			this.handler.handleMessage(socket, message);
		}
		catch (Exception ex) {
			throw new AssertionError("The handler let an exception out", ex);
		}
	}

	private void receive(StubSocket socket, String text) {
		receive(socket, new TextMessage(text));
	}

	/** Lets the log writer's wakeups reach the pump queue, then runs the pumps. */
	private void awaitWakeupAndPump() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.pumps.pending() > 0);
		this.pumps.runPending();
	}

	private static List<Integer> values(List<JsonNode> records) {
		return records.stream().map(record -> record.get("value").asInt()).toList();
	}

	@Test
	void pushesNoMoreRecordsThanTheCreditThenMoreAfterAGrant() throws IOException {
		topic("orders", 2);
		append("orders", 0, numbers(0, 4));
		append("orders", 1, numbers(4, 4));
		StubSocket socket = connect("s1", "/ws/topics/orders?from=earliest&credit=3");
		this.pumps.runPending();
		assertThat(socket.records()).hasSize(3);

		receive(socket, "{\"type\":\"credit\",\"records\":2}");
		this.pumps.runPending();
		assertThat(socket.records()).hasSize(5);

		receive(socket, "{\"type\":\"credit\",\"records\":100}");
		this.pumps.runPending();
		assertThat(values(socket.records())).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
		assertThat(socket.frames()).allSatisfy(frame -> assertThat(frame.get("type").asString()).isEqualTo("records"));
		assertThat(this.door.meters.get("caudal.records.out").tag("topic", "orders").counter().count()).isEqualTo(8);
	}

	@Test
	void anIdleSocketWaitsWithoutWorkUntilAnAppendWakesIt() throws IOException {
		topic("idle", 1);
		append("idle", 0, "1", "2");
		StubSocket socket = connect("s1", "/ws/topics/idle");
		this.pumps.runPending();
		assertThat(socket.frames()).isEmpty();
		assertThat(this.pumps.pending()).isZero();

		append("idle", 0, "3");
		awaitWakeupAndPump();
		assertThat(values(socket.records())).containsExactly(3);
		assertThat(this.pumps.pending()).isZero();
	}

	@Test
	void anUnknownTopicGetsAnErrorFrameThenClose1008() {
		StubSocket socket = connect("s1", "/ws/topics/missing");
		assertThat(socket.frames()).singleElement().satisfies(frame -> {
			assertThat(frame.get("type").asString()).isEqualTo("error");
			assertThat(frame.get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
			assertThat(frame.get("message").asString()).isEqualTo("Topic 'missing' does not exist.");
		});
		assertThat(socket.closeStatus().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
	}

	@Test
	void theErrorFrameIsWrittenBeforeTheSocketCloses() {
		StubSocket socket = new StubSocket("s1", "/ws/topics/orders?credit=none");
		socket.holdWrites();
		this.handler.afterConnectionEstablished(socket);
		assertThat(socket.closeStatus()).isNull();
		socket.releaseWrites();
		assertThat(socket.frames()).singleElement()
			.satisfies(frame -> assertThat(frame.get("code").asString()).isEqualTo("INVALID_REQUEST"));
		assertThat(socket.closeStatus().getCode()).isEqualTo(1008);
		assertThat(this.sessions.get("s1")).isNotNull();
		this.handler.afterConnectionClosed(socket, socket.closeStatus());
		assertThat(this.sessions.get("s1")).isNull();
	}

	@Test
	void badMessagesGetErrorFramesAndTheSocketStaysOpen() throws IOException {
		topic("orders", 1);
		StubSocket socket = connect("s1", "/ws/topics/orders?credit=1");
		receive(socket, "{");
		receive(socket, "{\"type\":\"nope\"}");
		receive(socket, "{\"type\":\"credit\",\"records\":-1}");
		receive(socket, "{\"type\":\"credit\"}");
		receive(socket, new BinaryMessage(new byte[] { 1, 2 }));
		receive(socket, "{\"type\":\"commit\"}");
		assertThat(socket.frames()).hasSize(6).allSatisfy(frame -> {
			assertThat(frame.get("type").asString()).isEqualTo("error");
			assertThat(frame.get("code").asString()).isEqualTo("INVALID_REQUEST");
		});
		assertThat(socket.frames().get(0).get("message").asString()).startsWith("The message is not valid JSON: ");
		assertThat(socket.frames().subList(1, 6)).extracting(frame -> frame.get("message").asString())
			.containsExactly("Unknown message type 'nope'; the types are: credit, commit, ack.",
					"Credit is a whole number of records of at least 1; -1 was given.",
					"A credit message needs \"records\".", "Messages are JSON text frames; a binary frame is not read.",
					"This socket does not take 'commit' messages.");
		assertThat(socket.closeStatus()).isNull();
	}

	@Test
	void aClientThatStopsReadingCostsABoundedBufferAndIsClosedAfterTheSendTimeLimit() throws IOException {
		useSettings(100, DataSize.ofBytes(2000));
		topic("busy", 1);
		String value = "\"" + "x".repeat(300) + "\"";
		for (int i = 0; i < 50; i++) {
			append("busy", 0, value);
		}
		StubSocket socket = new StubSocket("s1", "/ws/topics/busy?from=earliest&credit=10000");
		socket.holdWrites();
		this.handler.afterConnectionEstablished(socket);
		this.pumps.runPending();

		assertThat(socket.framesInFlight()).isEqualTo(1);
		assertThat(this.sessions.get("s1").bufferedBytes()).isBetween(2000L, 3000L);
		int pushed = socket.records().size();
		assertThat(pushed).isLessThan(15);
		this.sessions.checkAll();
		this.pumps.runPending();
		assertThat(socket.records()).hasSize(pushed);

		this.time.advance(SEND_TIME_LIMIT.plusMillis(1));
		this.sessions.checkAll();
		assertThat(socket.closeStatus().getCode()).isEqualTo(4500);
		assertThat(socket.closeStatus().getReason()).contains("does not read fast enough");
		assertThat(this.sessions.get("s1")).isNull();
	}

	@Test
	void aClientThatReadsAgainGetsEverythingInOrder() throws IOException {
		useSettings(100, DataSize.ofBytes(1000));
		topic("slow", 1);
		append("slow", 0, numbers(0, 300));
		StubSocket socket = new StubSocket("s1", "/ws/topics/slow?from=earliest&credit=250");
		socket.holdWrites();
		this.handler.afterConnectionEstablished(socket);
		this.pumps.runPending();
		assertThat(socket.records().size()).isLessThan(250);

		socket.releaseWrites();
		this.pumps.runPending();
		assertThat(values(socket.records())).isEqualTo(IntStream.range(0, 250).boxed().toList());
		assertThat(socket.closeStatus()).isNull();
	}

	@Test
	void aSocketThatAnswersPingsStaysOpenAndOneThatDoesNotIsClosed() throws IOException {
		topic("quiet", 1);
		StubSocket answering = connect("s1", "/ws/topics/quiet");
		StubSocket silent = connect("s2", "/ws/topics/quiet");
		this.time.advance(PING_INTERVAL);
		this.sessions.checkAll();
		await().atMost(Duration.ofSeconds(10)).until(() -> answering.pings() == 1 && silent.pings() == 1);

		receive(answering, new PongMessage());
		this.time.advance(PING_INTERVAL);
		this.sessions.checkAll();
		await().atMost(Duration.ofSeconds(10)).until(() -> answering.pings() == 2);
		assertThat(answering.closeStatus()).isNull();
		assertThat(silent.closeStatus().getCode()).isEqualTo(4500);
		assertThat(silent.closeStatus().getReason()).contains("did not answer a ping");
	}

	@Test
	void socketsPastTheLimitAreRefusedWith1013() throws IOException {
		useSettings(1, DataSize.ofKilobytes(64));
		topic("orders", 1);
		StubSocket first = connect("s1", "/ws/topics/orders");
		StubSocket second = connect("s2", "/ws/topics/orders");
		assertThat(first.closeStatus()).isNull();
		assertThat(second.closeStatus().getCode()).isEqualTo(1013);
		assertThat(second.frames()).isEmpty();
		assertThat(this.meters.get("caudal.websocket.sessions").gauge().value()).isEqualTo(1);

		this.handler.afterConnectionClosed(first, CloseStatus.NORMAL);
		assertThat(connect("s3", "/ws/topics/orders").closeStatus()).isNull();
	}

	@Test
	void partitionsAddedToTheTopicAreTailedFromTheirStart() throws IOException {
		topic("growing", 1);
		StubSocket socket = connect("s1", "/ws/topics/growing");
		this.pumps.runPending();
		this.door.topics.update("growing", 2, null);
		append("growing", 1, "7", "8");

		this.sessions.checkAll();
		this.pumps.runPending();
		assertThat(socket.records()).extracting(record -> record.get("partition").asInt()).containsExactly(1, 1);
		assertThat(values(socket.records())).containsExactly(7, 8);
	}

	@Test
	void aDeletedTopicEndsItsTailsEvenWithoutCredit() throws IOException {
		topic("doomed", 1);
		StubSocket socket = connect("s1", "/ws/topics/doomed?credit=1");
		append("doomed", 0, "1");
		awaitWakeupAndPump();
		assertThat(socket.records()).hasSize(1);

		this.door.topics.delete("doomed");
		this.sessions.checkAll();
		assertThat(socket.frames()).last()
			.satisfies(frame -> assertThat(frame.get("code").asString()).isEqualTo("TOPIC_NOT_FOUND"));
		assertThat(socket.closeStatus().getCode()).isEqualTo(1008);
	}

	@Test
	void aClosedSocketStopsWaitingForRecords() throws IOException {
		topic("orders", 1);
		StubSocket socket = connect("s1", "/ws/topics/orders");
		this.pumps.runPending();
		this.handler.afterConnectionClosed(socket, CloseStatus.NORMAL);
		assertThat(this.sessions.get("s1")).isNull();

		append("orders", 0, "1");
		receive(socket, "{\"type\":\"credit\",\"records\":5}");
		assertThat(this.pumps.pending()).isZero();
		assertThat(socket.frames()).isEmpty();
	}

}
