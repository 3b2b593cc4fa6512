package io.caudal.ws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.caudal.security.SecurityOff;
import io.caudal.budget.ByteBudget;
import io.caudal.config.CaudalProperties;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.group.AutoOffsetReset;
import io.caudal.group.CoordinatorHarness;
import io.caudal.group.GroupCoordinator;
import io.caudal.group.GroupDescription;
import io.caudal.group.MemberConfig;
import io.caudal.group.MemberListener;
import io.caudal.group.Transport;
import io.caudal.topic.TopicPartition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The group socket's protocol without a network, against a real coordinator (in-memory H2, real
 * logs): the handler is called with {@link StubSocket}s, pumps run on a {@link TaskQueue} when the
 * test says, and the keeper's checks and the members' sessions follow one fake clock.
 */
class GroupSocketHandlerTest {

	private static final int REBALANCE_MS = MemberConfig.DEFAULT_REBALANCE_TIMEOUT_MS;

	private static final Duration REBALANCE_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration AUTO_COMMIT_INTERVAL = Duration.ofSeconds(3);

	@TempDir
	Path dir;

	private final TaskQueue pumps = new TaskQueue();

	private CoordinatorHarness harness;

	private GroupCoordinator coordinator;

	private SessionRegistry sessions;

	private GroupSocketHandler handler;

	@BeforeEach
	void start() throws Exception {
		this.harness = new CoordinatorHarness(this.dir);
		this.coordinator = this.harness.coordinator;
		this.harness.createTopic("orders", 2);
		CaudalProperties.Websocket settings = new CaudalProperties.Websocket(100, DataSize.ofKilobytes(64),
				Duration.ofSeconds(10), Duration.ofSeconds(20), DataSize.ofKilobytes(64), List.of(), REBALANCE_TIMEOUT,
				AUTO_COMMIT_INTERVAL, DataSize.ofMegabytes(64));
		this.sessions = new SessionRegistry(settings, new MessageCodec(JsonMapper.builder().build()), this.harness.time,
				new SimpleMeterRegistry(), this.pumps, new ByteBudget("caudal.websocket.max-buffered-bytes", 1 << 30));
		this.handler = new GroupSocketHandler(this.coordinator, this.harness.fetch, this.harness.door.encoder, settings,
				this.sessions, session -> (StubSocket) session, SecurityOff.access(), SecurityOff.live(),
				SecurityOff.quotas(), SecurityOff.slots(),
				SecurityOff.instances());
	}

	@AfterEach
	void stop() {
		this.sessions.stop();
		this.harness.close();
	}

	/** Opens a socket and runs its pump until it rests. */
	private StubSocket connect(String id, String pathAndQuery) {
		StubSocket socket = new StubSocket(id, pathAndQuery);
		this.handler.afterConnectionEstablished(socket);
		this.pumps.runPending();
		return socket;
	}

	private void receive(StubSocket socket, String text) {
		try {
			this.handler.handleMessage(socket, new TextMessage(text));
		}
		catch (Exception ex) {
			throw new AssertionError("The handler let an exception out", ex);
		}
	}

	/** An HTTP member of group g reading orders from the earliest offset. */
	private String httpMember() {
		return this.coordinator
			.join("g", new MemberConfig(List.of("orders"), 30_000, REBALANCE_MS, "range", AutoOffsetReset.EARLIEST, null),
					Transport.HTTP, null, MemberListener.NONE)
			.memberId();
	}

	/** Lets the log writer's wakeups reach the pump queue, then runs the pumps. */
	private void awaitWakeupAndPump() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.pumps.pending() > 0);
		this.pumps.runPending();
	}

	private void advance(Duration duration) {
		this.harness.time.advanceMs(duration.toMillis());
		this.harness.sweep();
		this.sessions.checkAll();
		this.pumps.runPending();
	}

	private static List<JsonNode> ofType(StubSocket socket, String type) {
		return socket.frames().stream().filter(frame -> frame.get("type").asString().equals(type)).toList();
	}

	private static JsonNode lastAssignment(StubSocket socket) {
		List<JsonNode> assignments = ofType(socket, "assignment");
		return assignments.get(assignments.size() - 1);
	}

	/** {@code ["orders-0", …]} for a list of {@code {"topic","partition"}}. */
	private static List<String> partitions(JsonNode list) {
		List<String> names = new ArrayList<>();
		list.forEach(tp -> names.add(tp.get("topic").asString() + "-" + tp.get("partition").asInt()));
		return names;
	}

	private static TopicPartition tp(int partition) {
		return new TopicPartition("orders", partition);
	}

	/** A member of g that owned both partitions, after an HTTP member joined and took orders-1 in the target. */
	private StubSocket memberToldToGiveUpPartitionOne() {
		StubSocket socket = connect("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest");
		this.httpMember();
		this.pumps.runPending();
		JsonNode told = lastAssignment(socket);
		assertThat(told.get("generation").asInt()).isEqualTo(2);
		assertThat(partitions(told.get("partitions"))).containsExactly("orders-0");
		assertThat(partitions(told.get("revoking"))).containsExactly("orders-1");
		return socket;
	}

	private List<TopicPartition> httpAssignment() {
		GroupDescription.Member http = this.coordinator.describe("g")
			.members()
			.stream()
			.filter(member -> member.transport() == Transport.HTTP)
			.findFirst()
			.orElseThrow();
		return this.coordinator.heartbeat("g", http.memberId(), this.coordinator.describe("g").generation())
			.assignment();
	}

	@Test
	void joinsThenAnnouncesItsAssignmentThenPushesItsRecords() {
		this.harness.produce("orders", 0, 2);
		this.harness.produce("orders", 1, 1);
		StubSocket socket = connect("s1", "/ws/groups/g?topics=orders&autoOffsetReset=earliest");

		List<JsonNode> frames = socket.frames();
		assertThat(frames).extracting(frame -> frame.get("type").asString())
			.containsExactly("joined", "assignment", "records");
		JsonNode joined = frames.get(0);
		assertThat(joined.get("generation").asInt()).isEqualTo(1);
		assertThat(joined.get("leader").asString()).isEqualTo(joined.get("memberId").asString());
		assertThat(frames.get(1).get("leader").asString()).isEqualTo(joined.get("memberId").asString());
		assertThat(partitions(frames.get(1).get("partitions"))).containsExactly("orders-0", "orders-1");
		assertThat(frames.get(1).get("revoking").size()).isZero();
		assertThat(socket.records()).hasSize(3);
		assertThat(this.coordinator.describe("g").members()).singleElement()
			.satisfies(member -> assertThat(member.transport()).isEqualTo(Transport.WEBSOCKET));
	}

	@Test
	void pushesNoMoreRecordsThanTheCreditAndWakesOnAppends() {
		this.harness.produce("orders", 0, 5);
		StubSocket socket = connect("s1", "/ws/groups/g?topics=orders&autoOffsetReset=earliest&credit=2");
		assertThat(socket.records()).hasSize(2);

		receive(socket, "{\"type\":\"credit\",\"records\":10}");
		this.pumps.runPending();
		assertThat(socket.records()).hasSize(5);
		assertThat(this.pumps.pending()).isZero();

		this.harness.produce("orders", 1, 1);
		awaitWakeupAndPump();
		assertThat(socket.records()).hasSize(6);
		assertThat(socket.records().get(5).get("partition").asInt()).isEqualTo(1);
	}

	@Test
	void aRevokedPartitionSendsNoMoreRecordsAndIsReleasedWhenTheClientCommits() {
		StubSocket socket = memberToldToGiveUpPartitionOne();
		this.harness.produce("orders", 1, 2);
		this.pumps.runPending();
		assertThat(socket.records()).isEmpty();
		assertThat(httpAssignment()).isEmpty();

		receive(socket, "{\"type\":\"commit\"}");
		assertThat(ofType(socket, "committed")).singleElement()
			.satisfies(committed -> assertThat(committed.get("offsets").toString())
				.isEqualTo("[{\"topic\":\"orders\",\"partition\":0,\"offset\":0},"
						+ "{\"topic\":\"orders\",\"partition\":1,\"offset\":0}]"));
		this.pumps.runPending();
		assertThat(lastAssignment(socket).get("revoking").size()).isZero();
		assertThat(httpAssignment()).containsExactly(tp(1));
		assertThat(socket.records()).isEmpty();
	}

	@Test
	void onlyAMessageShowingTheClientSawTheRevocationReleasesIt() {
		StubSocket socket = memberToldToGiveUpPartitionOne();
		receive(socket, "{\"type\":\"credit\",\"records\":5}");
		receive(socket, "{\"type\":\"ack\",\"generation\":1}");
		receive(socket, "{\"type\":\"ack\"}");
		assertThat(ofType(socket, "error")).singleElement()
			.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("INVALID_REQUEST"));
		this.pumps.runPending();
		assertThat(partitions(lastAssignment(socket).get("revoking"))).containsExactly("orders-1");
		assertThat(httpAssignment()).isEmpty();

		receive(socket, "{\"type\":\"ack\",\"generation\":2}");
		this.pumps.runPending();
		assertThat(lastAssignment(socket).get("revoking").size()).isZero();
		assertThat(httpAssignment()).containsExactly(tp(1));
	}

	@Test
	void theRebalanceTimeoutReleasesARevokedPartitionOfASilentClient() {
		StubSocket socket = memberToldToGiveUpPartitionOne();
		advance(REBALANCE_TIMEOUT.minusMillis(1));
		assertThat(partitions(lastAssignment(socket).get("revoking"))).containsExactly("orders-1");
		assertThat(httpAssignment()).isEmpty();

		advance(Duration.ofMillis(1));
		assertThat(lastAssignment(socket).get("revoking").size()).isZero();
		assertThat(httpAssignment()).containsExactly(tp(1));
	}

	@Test
	void withAutoCommitARevocationIsCommittedAndReleasedAtOnce() {
		this.harness.produce("orders", 1, 2);
		StubSocket socket = connect("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest&autoCommit=true");
		assertThat(socket.records()).hasSize(2);
		httpMember();
		this.pumps.runPending();

		JsonNode told = lastAssignment(socket);
		assertThat(partitions(told.get("partitions"))).containsExactly("orders-0");
		assertThat(told.get("revoking").size()).isZero();
		assertThat(this.harness.store.committedOffsets("g")).containsEntry(tp(1), 2L);
		assertThat(httpAssignment()).containsExactly(tp(1));
		assertThat(ofType(socket, "committed")).isEmpty();
	}

	@Test
	void withAutoCommitDeliveredOffsetsAreCommittedEveryInterval() {
		StubSocket socket = connect("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest&autoCommit=true");
		this.harness.produce("orders", 0, 3);
		awaitWakeupAndPump();
		assertThat(socket.records()).hasSize(3);

		advance(AUTO_COMMIT_INTERVAL.minusMillis(1));
		assertThat(this.harness.store.committedOffsets("g")).isEmpty();
		advance(Duration.ofMillis(1));
		assertThat(this.harness.store.committedOffsets("g")).isEqualTo(Map.of(tp(0), 3L, tp(1), 0L));
	}

	@Test
	void autoCommitCommitsOnlyRecordsWrittenToTheSocket() {
		StubSocket socket = connect("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest&autoCommit=true");
		socket.holdWrites();
		this.harness.produce("orders", 0, 3);
		awaitWakeupAndPump();
		assertThat(socket.records()).as("handed to the transport, not yet written").hasSize(3);

		advance(AUTO_COMMIT_INTERVAL);
		assertThat(this.harness.store.committedOffsets("g")).isEmpty();

		socket.releaseWrites();
		advance(AUTO_COMMIT_INTERVAL);
		assertThat(this.harness.store.committedOffsets("g")).containsEntry(tp(0), 3L);
	}

	/**
	 * A pump that fails in the middle of a frame, here when the frame is handed to the socket, as an allocation that
	 * finds the heap full would: the error ends that socket with 1011, never the pump thread (the task queue would
	 * rethrow it), and nothing that socket was given but did not send is committed.
	 */
	@Test
	void aPumpThatFailsEndsItsSocketNotItsThreadAndCommitsNothingUnsent() {
		StubSocket failing = new StubSocket("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest&autoCommit=true");
		failing.failRecordsFramesWith(new OutOfMemoryError("injected: no heap left for the frame"));
		this.handler.afterConnectionEstablished(failing);
		this.pumps.runPending();
		this.harness.produce("orders", 0, 3);
		awaitWakeupAndPump();
		assertThat(failing.closeStatus()).isNotNull()
			.satisfies(status -> assertThat(status.getCode()).isEqualTo(CloseStatus.SERVER_ERROR.getCode()));
		advance(AUTO_COMMIT_INTERVAL);
		assertThat(this.harness.store.committedOffsets("g")).isEmpty();

		StubSocket next = connect("b", "/ws/groups/h?topics=orders&autoOffsetReset=earliest");
		assertThat(next.records()).as("the pumps still run").hasSize(3);
	}

	@Test
	void aNormalCloseCommitsWithAutoCommitAndAnAbnormalOneCommitsNothing() {
		this.harness.produce("orders", 0, 3);
		StubSocket normal = connect("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest&autoCommit=true");
		StubSocket dropped = connect("b", "/ws/groups/h?topics=orders&autoOffsetReset=earliest&autoCommit=true");
		assertThat(normal.records()).hasSize(3);
		assertThat(dropped.records()).hasSize(3);

		this.handler.afterConnectionClosed(normal, CloseStatus.NORMAL);
		this.handler.afterConnectionClosed(dropped, CloseStatus.NO_CLOSE_FRAME);
		assertThat(this.harness.store.committedOffsets("g")).containsEntry(tp(0), 3L);
		assertThat(this.coordinator.describe("g").members()).isEmpty();
		assertThat(this.harness.store.committedOffsets("h")).isEmpty();
		assertThatExceptionOfType(CaudalException.class).isThrownBy(() -> this.coordinator.describe("h"))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.GROUP_NOT_FOUND));
	}

	@Test
	void closingTheSocketLeavesTheGroupAndItsPartitionsMoveAtOnce() {
		StubSocket socket = memberToldToGiveUpPartitionOne();
		this.handler.afterConnectionClosed(socket, CloseStatus.NORMAL);
		assertThat(this.coordinator.describe("g").members()).singleElement()
			.satisfies(member -> assertThat(member.transport()).isEqualTo(Transport.HTTP));
		assertThat(httpAssignment()).containsExactly(tp(0), tp(1));
		assertThat(this.sessions.get("a")).isNull();
	}

	@Test
	void commitsAreAnsweredAndRefusedCommitsGetErrorFramesWithTheSocketStillOpen() {
		this.harness.createTopic("other", 1);
		this.harness.produce("orders", 0, 4);
		StubSocket socket = connect("a", "/ws/groups/g?topics=orders&autoOffsetReset=earliest");
		receive(socket, "{\"type\":\"commit\",\"offsets\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":2}]}");
		receive(socket, "{\"type\":\"commit\",\"offsets\":[{\"topic\":\"other\",\"partition\":0,\"offset\":0}]}");
		receive(socket, "{\"type\":\"commit\",\"offsets\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":9}]}");
		receive(socket, "{\"type\":\"commit\",\"generation\":7}");
		receive(socket, "{\"type\":\"commit\",\"offsets\":[]}");
		receive(socket, "{\"type\":\"commit\",\"offsets\":[{\"topic\":\"orders\"}]}");

		assertThat(ofType(socket, "committed")).singleElement()
			.satisfies(committed -> assertThat(committed.get("offsets").toString())
				.isEqualTo("[{\"topic\":\"orders\",\"partition\":0,\"offset\":2}]"));
		assertThat(ofType(socket, "error")).extracting(error -> error.get("code").asString())
			.containsExactly("FENCED_MEMBER", "OFFSET_OUT_OF_RANGE", "FENCED_MEMBER", "INVALID_REQUEST",
					"INVALID_REQUEST");
		assertThat(ofType(socket, "error").get(4).get("message").asString())
			.isEqualTo("Offset 0 of the commit needs \"topic\", \"partition\" and \"offset\".");
		assertThat(this.harness.store.committedOffsets("g")).isEqualTo(Map.of(tp(0), 2L));
		assertThat(socket.closeStatus()).isNull();
	}

	@Test
	void badQueriesAndUnknownTopicsGetAnErrorThenClose1008() {
		List<String> queries = List.of("", "topics=", "topics=orders,", "topics=orders&assignor=fastest",
				"topics=orders&autoOffsetReset=soon", "topics=orders&autoCommit=yes", "topics=orders&credit=0",
				"topics=orders&sessionTimeoutMs=10", "topics=orders&sessionTimeoutMs=ten", "topics=orders&group=g",
				"topics=orders&topics=orders");
		for (int i = 0; i < queries.size(); i++) {
			StubSocket socket = connect("q" + i, "/ws/groups/g?" + queries.get(i));
			assertThat(socket.frames()).as(queries.get(i))
				.singleElement()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("INVALID_REQUEST"));
			assertThat(socket.closeStatus().getCode()).as(queries.get(i)).isEqualTo(1008);
		}
		StubSocket unknown = connect("u", "/ws/groups/g?topics=orders,missing");
		assertThat(unknown.frames()).singleElement()
			.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("TOPIC_NOT_FOUND"));
		assertThat(unknown.closeStatus().getCode()).isEqualTo(1008);
		assertThat(this.coordinator.list()).isEmpty();
	}

	@Test
	void aMemberReplacedThroughItsInstanceIdGetsUnknownMemberThenClose1008() {
		StubSocket first = connect("a", "/ws/groups/g?topics=orders&instanceId=worker-1");
		StubSocket second = connect("b", "/ws/groups/g?topics=orders&instanceId=worker-1");
		this.pumps.runPending();
		assertThat(ofType(first, "error")).singleElement()
			.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("UNKNOWN_MEMBER"));
		assertThat(first.closeStatus().getCode()).isEqualTo(1008);
		assertThat(partitions(lastAssignment(second).get("partitions"))).containsExactly("orders-0", "orders-1");
		assertThat(this.coordinator.describe("g").members()).hasSize(1);
	}

	@Test
	void theMemberHeartbeatsWhileItsSocketIsOpenSoItsSessionDoesNotEnd() {
		StubSocket socket = connect("a", "/ws/groups/g?topics=orders&sessionTimeoutMs=3000&credit=1");
		for (int second = 0; second < 6; second++) {
			advance(Duration.ofSeconds(1));
		}
		assertThat(this.coordinator.describe("g").members()).hasSize(1);
		assertThat(socket.closeStatus()).isNull();
		assertThat(ofType(socket, "assignment")).hasSize(1);
	}

}
