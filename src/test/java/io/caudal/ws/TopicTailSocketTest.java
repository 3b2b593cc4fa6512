package io.caudal.ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The contract's topic tail socket, {@code /ws/topics/{topic}}, with the JDK's client over a real port. */
class TopicTailSocketTest extends FullStackTest {

	/** {@code count} records with values 0, 1, …, forced onto {@code partition}. */
	private void produceNumbers(String topic, int partition, int from, int count) {
		this.http.produce(topic, IntStream.range(from, from + count)
			.mapToObj(i -> "{\"value\":" + i + ",\"partition\":" + partition + "}")
			.collect(Collectors.joining(",")));
	}

	private static List<Integer> values(List<JsonNode> records) {
		return records.stream().map(record -> record.get("value").asInt()).toList();
	}

	private double metric(String name, String tag) {
		Response response = this.http.get("/actuator/metrics/" + name + ((tag != null) ? "?tag=" + tag : ""));
		return (response.status() == 200) ? response.json().get("measurements").get(0).get("value").asDouble() : 0;
	}

	@Test
	void tailPushesRecordsOfEveryPartitionInTheShapeOfAFetch() {
		this.http.createTopic("tail-all", 3);
		this.http.produce("tail-all", """
				{"key":"user-42","value":{"amount":10},"headers":{"source":"web"},"partition":0},
				{"valueBytes":"3q2+7w==","partition":1}""");
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-all?from=earliest")) {
			List<JsonNode> old = tail.awaitRecords(2);
			JsonNode fetched = this.http.get("/topics/tail-all/partitions/0/records?offset=0").json().get("records").get(0);
			assertThat(old).contains(fetched);
			assertThat(old.get(0).toString()).isEqualTo(fetched.toString()).contains("\"key\":\"user-42\"");

			this.http.produce("tail-all", "{\"value\":\"p2\",\"partition\":2},{\"value\":\"p0\",\"partition\":0}");
			List<JsonNode> all = tail.awaitRecords(4);
			assertThat(all).hasSize(4);
			assertThat(all).extracting(record -> record.get("partition").asInt()).containsExactlyInAnyOrder(0, 0, 1, 2);
			assertThat(all).allSatisfy(record -> assertThat(record.get("topic").asString()).isEqualTo("tail-all"));
			assertThat(tail.messages()).allSatisfy(message -> assertThat(message.get("type").asString()).isEqualTo("records"));
		}
	}

	@Test
	void tailStartsAtLatestByDefaultAndAtATimestampWhenAsked() {
		this.http.createTopic("tail-from", 1);
		this.http.produce("tail-from", "{\"value\":\"old\",\"timestamp\":1000},{\"value\":\"mid\",\"timestamp\":2000}");
		try (TestSocket latest = TestSocket.open(port(), "/ws/topics/tail-from");
				TestSocket fromTime = TestSocket.open(port(), "/ws/topics/tail-from?from=timestamp:1500")) {
			assertThat(fromTime.awaitRecords(1)).extracting(record -> record.get("value").asString())
				.containsExactly("mid");
			this.http.produce("tail-from", "{\"value\":\"new\"}");
			assertThat(latest.awaitRecords(1)).extracting(record -> record.get("value").asString())
				.containsExactly("new");
			assertThat(fromTime.awaitRecords(2)).extracting(record -> record.get("value").asString())
				.containsExactly("mid", "new");
		}
	}

	@Test
	void theServerNeverSendsMoreRecordsThanTheCreditGranted() {
		this.http.createTopic("tail-credit", 2);
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-credit?from=earliest&credit=3")) {
			produceNumbers("tail-credit", 0, 0, 5);
			produceNumbers("tail-credit", 1, 5, 5);
			tail.awaitRecords(3);
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> tail.records().size() == 3);

			tail.grant(4);
			tail.awaitRecords(7);
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> tail.records().size() == 7);

			tail.grant(100);
			assertThat(values(tail.awaitRecords(10))).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
			produceNumbers("tail-credit", 0, 10, 1);
			assertThat(values(tail.awaitRecords(11))).contains(10);
		}
	}

	@Test
	void outstandingCreditIsCappedAtTenThousandRecords() {
		this.http.createTopic("tail-cap", 1);
		produceNumbers("tail-cap", 0, 0, 10_050);
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-cap?from=earliest&credit=25000")) {
			tail.awaitRecords(10_000);
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
				.until(() -> tail.records().size() == 10_000);
			tail.grant(50);
			assertThat(tail.awaitRecords(10_050)).hasSize(10_050);
		}
	}

	@Test
	void partitionsAddedWhileTailingAreReadFromTheirStart() {
		this.http.createTopic("tail-grow", 1);
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-grow")) {
			assertThat(this.http.patch("/topics/tail-grow", "{\"partitions\":3}").status()).isEqualTo(200);
			this.http.produce("tail-grow", "{\"value\":\"two\",\"partition\":2},{\"value\":\"one\",\"partition\":1}");
			assertThat(tail.awaitRecords(2)).extracting(record -> record.get("partition").asInt())
				.containsExactlyInAnyOrder(1, 2);
		}
	}

	@Test
	void deletingTheTopicEndsItsTailsWithTopicNotFound() {
		this.http.createTopic("tail-deleted", 1);
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-deleted")) {
			assertThat(this.http.delete("/topics/tail-deleted").status()).isEqualTo(204);
			assertThat(tail.awaitClose().code()).isEqualTo(1008);
			assertThat(tail.errors()).singleElement()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("TOPIC_NOT_FOUND"));
		}
	}

	@Test
	void badMessagesGetErrorFramesAndTheSocketGoesOn() {
		this.http.createTopic("tail-bad", 1);
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-bad?credit=1")) {
			List<String> bad = List.of("not json", "[1]", "{\"records\":5}", "{\"type\":\"subscribe\"}",
					"{\"type\":\"credit\",\"records\":-5}", "{\"type\":\"credit\",\"records\":0}",
					"{\"type\":\"credit\",\"records\":1.5}", "{\"type\":\"credit\",\"records\":\"7\"}",
					"{\"type\":\"credit\"}", "{\"type\":\"credit\",\"records\":1,\"extra\":true}", "null", " null ");
			bad.forEach(tail::send);
			List<JsonNode> errors = tail.awaitErrors(bad.size());
			assertThat(errors).hasSize(bad.size())
				.allSatisfy(error -> assertThat(error.get("code").asString()).isEqualTo("INVALID_REQUEST"));
			assertThat(errors).extracting(error -> error.get("message").asString())
				.anySatisfy(message -> assertThat(message).contains("not valid JSON"))
				.anySatisfy(message -> assertThat(message).contains("Unknown message type 'subscribe'"))
				.anySatisfy(message -> assertThat(message).contains("-5"))
				.anySatisfy(message -> assertThat(message).contains("Unknown field 'extra'"));

			tail.grant(5);
			produceNumbers("tail-bad", 0, 0, 3);
			assertThat(values(tail.awaitRecords(3))).containsExactly(0, 1, 2);
			assertThat(tail.isClosed()).isFalse();
		}
	}

	@Test
	void anUnknownTopicGetsAnErrorAndClose1008() {
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/no-such-topic?from=earliest")) {
			TestSocket.Closed closed = tail.awaitClose();
			assertThat(closed.code()).isEqualTo(1008);
			assertThat(tail.messages()).singleElement().satisfies(error -> {
				assertThat(error.get("type").asString()).isEqualTo("error");
				assertThat(error.get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
				assertThat(error.get("message").asString()).contains("no-such-topic");
			});
		}
	}

	@Test
	void badQueryParametersGetAnErrorAndClose1008() {
		this.http.createTopic("tail-query", 1);
		for (String query : List.of("from=yesterday", "from=timestamp:-1", "from=timestamp:x", "credit=0",
				"credit=-3", "credit=2.5", "credit=many", "form=earliest", "from=earliest&from=latest")) {
			try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-query?" + query)) {
				assertThat(tail.awaitClose().code()).as(query).isEqualTo(1008);
				assertThat(tail.messages()).as(query)
					.singleElement()
					.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("INVALID_REQUEST"));
			}
		}
	}

	@Test
	void theHandshakeAcceptsTheSameOriginAndConfiguredOnesOnly() {
		this.http.createTopic("tail-origin", 1);
		String path = "/ws/topics/tail-origin";
		try (TestSocket configured = TestSocket.fromOrigin(port(), path, "https://dashboard.example");
				TestSocket same = TestSocket.fromOrigin(port(), path, "http://localhost:" + port())) {
			this.http.produce("tail-origin", "{\"value\":1}");
			assertThat(configured.awaitRecords(1)).hasSize(1);
			assertThat(same.awaitRecords(1)).hasSize(1);
		}
		// Another local web app is another origin: it gets in only when caudal.websocket.allowed-origin-patterns says so.
		for (String origin : new String[] { "https://evil.example", "http://localhost:3000", "http://[::1]:5173" }) {
			assertThatThrownBy(() -> TestSocket.fromOrigin(port(), path, origin)).as(origin)
				.isInstanceOf(CompletionException.class)
				.rootCause()
				.hasMessageContaining("403");
		}
	}

	@Test
	void metricsCountOpenSocketsAndRecordsPushedOut() {
		this.http.createTopic("tail-metrics", 1);
		double before = metric("caudal.websocket.sessions", null);
		try (TestSocket tail = TestSocket.open(port(), "/ws/topics/tail-metrics")) {
			await().atMost(Duration.ofSeconds(5)).until(() -> metric("caudal.websocket.sessions", null) == before + 1);
			produceNumbers("tail-metrics", 0, 0, 4);
			tail.awaitRecords(4);
			assertThat(metric("caudal.records.out", "topic:tail-metrics")).isEqualTo(4);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> metric("caudal.websocket.sessions", null) == before);
	}

}
