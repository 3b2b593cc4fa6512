package io.caudal.ws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract's group socket, {@code /ws/groups/{group}}, with the JDK's client over a real port,
 * beside HTTP members of the same groups.
 */
class GroupSocketTest extends FullStackTest {

	/** The generation of each HTTP member's last answer, as a client keeps it. */
	private final Map<String, Integer> seenGenerations = new ConcurrentHashMap<>();

	/** {@code count} records with values from, from + 1, …, spread over the partitions in turn. */
	private void produceNumbers(String topic, int partitions, int from, int count) {
		Response produced = this.http.post("/topics/" + topic + "/records", "{\"records\":[" + IntStream
			.range(from, from + count)
			.mapToObj(i -> "{\"value\":" + i + ",\"partition\":" + (i % partitions) + "}")
			.collect(Collectors.joining(",")) + "]}");
		assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
	}

	private TestSocket join(String group, String query) {
		return TestSocket.open(port(), "/ws/groups/" + group + "?" + query);
	}

	private static List<Integer> values(List<JsonNode> records) {
		return records.stream().map(record -> record.get("value").asInt()).toList();
	}

	private static Set<Integer> partitionsOf(List<JsonNode> records) {
		return records.stream().map(record -> record.get("partition").asInt()).collect(Collectors.toSet());
	}

	private static List<Integer> numbers(JsonNode topicPartitions) {
		List<Integer> partitions = new ArrayList<>();
		topicPartitions.forEach(tp -> partitions.add(tp.get("partition").asInt()));
		return partitions;
	}

	/** Waits until the socket's last assignment lists exactly these partitions, none being revoked. */
	private static JsonNode awaitPartitions(TestSocket socket, Integer... partitions) {
		return socket.awaitLast("assignment",
				assignment -> numbers(assignment.get("partitions")).equals(List.of(partitions))
						&& assignment.get("revoking").isEmpty());
	}

	/** Waits until the socket is told to give up partitions, then commits to let them go. */
	private static void awaitRevocationAndCommit(TestSocket socket) {
		socket.awaitLast("assignment", assignment -> !assignment.get("revoking").isEmpty());
		socket.send("{\"type\":\"commit\"}");
	}

	private String joinOverHttp(String group, String topic) {
		Response joined = this.http.post("/groups/" + group + "/members",
				"{\"topics\":[\"" + topic + "\"],\"autoOffsetReset\":\"earliest\"}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		this.seenGenerations.put(joined.json().get("memberId").asString(), joined.json().get("generation").asInt());
		return joined.json().get("memberId").asString();
	}

	/** Polls as a careful client does, saying which generation it last saw. */
	private JsonNode pollOverHttp(String group, String member) {
		Integer seen = this.seenGenerations.get(member);
		Response polled = this.http
			.get("/groups/" + group + "/members/" + member + "/records" + ((seen != null) ? "?generation=" + seen : ""));
		assertThat(polled.status()).as(polled.toString()).isEqualTo(200);
		this.seenGenerations.put(member, polled.json().get("generation").asInt());
		return polled.json();
	}

	@Test
	void twoSocketsSplitATopicAndEachRecordIsPushedExactlyOnce() {
		this.http.createTopic("gs-split", 4);
		try (TestSocket a = join("split", "topics=gs-split&autoOffsetReset=earliest");
				TestSocket b = join("split", "topics=gs-split&autoOffsetReset=earliest")) {
			JsonNode joined = a.awaitLast("joined", message -> true);
			assertThat(b.awaitLast("joined", message -> true).get("leader").asString())
				.isEqualTo(joined.get("memberId").asString());
			awaitRevocationAndCommit(a);
			awaitPartitions(a, 0, 1);
			awaitPartitions(b, 2, 3);

			produceNumbers("gs-split", 4, 0, 40);
			await().atMost(Duration.ofSeconds(10)).until(() -> a.records().size() + b.records().size() >= 40);
			await().during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> a.records().size() + b.records().size() == 40);
			assertThat(partitionsOf(a.records())).containsExactlyInAnyOrder(0, 1);
			assertThat(partitionsOf(b.records())).containsExactlyInAnyOrder(2, 3);
			List<Integer> all = new ArrayList<>(values(a.records()));
			all.addAll(values(b.records()));
			assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 40).boxed().toList());
		}
	}

	@Test
	void theServerNeverSendsMoreRecordsThanTheCreditGranted() {
		this.http.createTopic("gs-credit", 2);
		try (TestSocket socket = join("credit", "topics=gs-credit&autoOffsetReset=earliest&credit=3")) {
			awaitPartitions(socket, 0, 1);
			produceNumbers("gs-credit", 2, 0, 10);
			socket.awaitRecords(3);
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(2))
				.until(() -> socket.records().size() == 3);

			socket.grant(4);
			socket.awaitRecords(7);
			await().during(Duration.ofMillis(300))
				.atMost(Duration.ofSeconds(2))
				.until(() -> socket.records().size() == 7);
			socket.grant(100);
			assertThat(values(socket.awaitRecords(10))).containsExactlyInAnyOrderElementsOf(
					IntStream.range(0, 10).boxed().toList());
		}
	}

	@Test
	void closingOneSocketMovesItsPartitionsToTheOther() {
		this.http.createTopic("gs-move", 2);
		try (TestSocket stays = join("move", "topics=gs-move&autoOffsetReset=earliest");
				TestSocket leaves = join("move", "topics=gs-move&autoOffsetReset=earliest")) {
			awaitRevocationAndCommit(stays);
			awaitPartitions(stays, 0);
			awaitPartitions(leaves, 1);

			assertThat(leaves.closeNormally().code()).isEqualTo(1000);
			JsonNode moved = awaitPartitions(stays, 0, 1);
			assertThat(moved.get("leader").asString())
				.isEqualTo(stays.awaitLast("joined", message -> true).get("memberId").asString());
			produceNumbers("gs-move", 2, 0, 6);
			assertThat(values(stays.awaitRecords(6))).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
			assertThat(this.http.get("/groups/move").json().get("members")).hasSize(1);
		}
	}

	@Test
	void aCommitOverTheSocketShowsInTheGroupDescription() {
		this.http.createTopic("gs-commit", 1);
		try (TestSocket socket = join("commit", "topics=gs-commit&autoOffsetReset=earliest")) {
			awaitPartitions(socket, 0);
			produceNumbers("gs-commit", 1, 0, 5);
			socket.awaitRecords(5);

			socket.send("{\"type\":\"commit\"}");
			JsonNode committed = socket.awaitLast("committed", message -> true);
			assertThat(committed.get("offsets").toString())
				.isEqualTo("[{\"topic\":\"gs-commit\",\"partition\":0,\"offset\":5}]");
			JsonNode described = this.http.get("/groups/commit").json();
			assertThat(described.get("members").get(0).get("transport").asString()).isEqualTo("websocket");
			assertThat(described.get("offsets").get(0).get("committedOffset").asLong()).isEqualTo(5);
			assertThat(described.get("offsets").get(0).get("lag").asLong()).isZero();

			socket.send("{\"type\":\"commit\",\"offsets\":[{\"topic\":\"gs-commit\",\"partition\":0,\"offset\":3}]}");
			socket.awaitLast("committed", message -> message.get("offsets").get(0).get("offset").asLong() == 3);
			assertThat(this.http.get("/groups/commit").json().get("offsets").get(0).get("committedOffset").asLong())
				.isEqualTo(3);

			socket.send("{\"type\":\"commit\",\"offsets\":[{\"topic\":\"gs-commit\",\"partition\":0,\"offset\":99}]}");
			assertThat(socket.awaitErrors(1)).singleElement()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("OFFSET_OUT_OF_RANGE"));
			assertThat(socket.isClosed()).isFalse();
		}
	}

	@Test
	void anHttpMemberAndASocketMemberShareAGroupWithoutARecordGoingToBoth() {
		this.http.createTopic("gs-shared", 2);
		String http = joinOverHttp("shared", "gs-shared");
		try (TestSocket socket = join("shared", "topics=gs-shared&autoOffsetReset=earliest")) {
			// The poll that announces the revocation is followed by one that releases it.
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				JsonNode polled = pollOverHttp("shared", http);
				return numbers(polled.get("assignment")).equals(List.of(0)) && polled.get("revoking").isEmpty();
			});
			awaitPartitions(socket, 1);
			JsonNode described = this.http.get("/groups/shared").json();
			Set<String> transports = new HashSet<>();
			described.get("members").forEach(member -> transports.add(member.get("transport").asString()));
			assertThat(transports).containsExactlyInAnyOrder("http", "websocket");

			produceNumbers("gs-shared", 2, 0, 20);
			List<JsonNode> overHttp = new ArrayList<>();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				pollOverHttp("shared", http).get("records").forEach(overHttp::add);
				return overHttp.size() + socket.records().size() >= 20;
			});
			assertThat(partitionsOf(overHttp)).containsExactly(0);
			assertThat(partitionsOf(socket.records())).containsExactly(1);
			List<Integer> all = new ArrayList<>(values(overHttp));
			all.addAll(values(socket.records()));
			assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).boxed().toList());
		}
	}

	@Test
	void aRevokedPartitionIsAnnouncedAndReleasedWhenTheClientCommitsOrAcknowledgesTheGeneration() {
		this.http.createTopic("gs-revoke", 2);
		try (TestSocket socket = join("revoke", "topics=gs-revoke&autoOffsetReset=earliest")) {
			awaitPartitions(socket, 0, 1);
			String first = joinOverHttp("revoke", "gs-revoke");
			JsonNode told = socket.awaitLast("assignment", assignment -> !assignment.get("revoking").isEmpty());
			assertThat(numbers(told.get("partitions"))).containsExactly(0);
			assertThat(numbers(told.get("revoking"))).containsExactly(1);
			produceNumbers("gs-revoke", 2, 0, 4);
			assertThat(values(socket.awaitRecords(2))).containsExactlyInAnyOrder(0, 2);
			assertThat(pollOverHttp("revoke", first).get("assignment")).isEmpty();

			socket.send("{\"type\":\"commit\"}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> numbers(pollOverHttp("revoke", first).get("assignment")).equals(List.of(1)));
			awaitPartitions(socket, 0);
			assertThat(partitionsOf(socket.records())).containsExactly(0);

			assertThat(this.http.delete("/groups/revoke/members/" + first).status()).isEqualTo(204);
			awaitPartitions(socket, 0, 1);
			String second = joinOverHttp("revoke", "gs-revoke");
			JsonNode again = socket.awaitLast("assignment", assignment -> !assignment.get("revoking").isEmpty());
			socket.grant(1);
			assertThat(pollOverHttp("revoke", second).get("assignment")).as("credit does not show the client heard")
				.isEmpty();
			socket.send("{\"type\":\"ack\",\"generation\":" + again.get("generation").asInt() + "}");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> numbers(pollOverHttp("revoke", second).get("assignment")).equals(List.of(1)));
			awaitPartitions(socket, 0);
		}
	}

	@Test
	void withAutoCommitANormalCloseCommitsAndAnAbnormalOneCommitsNothing() {
		this.http.createTopic("gs-auto", 1);
		produceNumbers("gs-auto", 1, 0, 3);
		try (TestSocket normal = join("auto-normal", "topics=gs-auto&autoOffsetReset=earliest&autoCommit=true");
				TestSocket dropped = join("auto-dropped", "topics=gs-auto&autoOffsetReset=earliest&autoCommit=true")) {
			normal.awaitRecords(3);
			dropped.awaitRecords(3);
			normal.closeNormally();
			dropped.abort();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.http.get("/groups/auto-dropped").status() == 404);
			JsonNode described = this.http.get("/groups/auto-normal").json();
			assertThat(described.get("members")).isEmpty();
			assertThat(described.get("offsets").get(0).get("committedOffset").asLong()).isEqualTo(3);
		}
	}

	@Test
	void anUnknownTopicGetsAnErrorAndClose1008() {
		try (TestSocket socket = join("nowhere", "topics=no-such-topic")) {
			assertThat(socket.awaitClose().code()).isEqualTo(1008);
			assertThat(socket.messages()).singleElement().satisfies(error -> {
				assertThat(error.get("type").asString()).isEqualTo("error");
				assertThat(error.get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
				assertThat(error.get("message").asString()).contains("no-such-topic");
			});
		}
		assertThat(this.http.get("/groups/nowhere").status()).isEqualTo(404);
	}

	@Test
	void badQueryParametersGetAnErrorAndClose1008() {
		this.http.createTopic("gs-query", 1);
		for (String query : List.of("", "topics=gs-query&assignor=fastest", "topics=gs-query&autoCommit=1",
				"topics=gs-query&credit=0", "topics=gs-query&autoOffsetReset=never", "topics=gs-query&from=earliest")) {
			try (TestSocket socket = join("query", query)) {
				assertThat(socket.awaitClose().code()).as(query).isEqualTo(1008);
				assertThat(socket.messages()).as(query)
					.singleElement()
					.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("INVALID_REQUEST"));
			}
		}
	}

}
