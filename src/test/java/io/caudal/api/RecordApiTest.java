package io.caudal.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Every row of the contract's Produce and Fetch sections, over a real port. */
class RecordApiTest extends FullStackTest {

	private void createTopic(String name, int partitions, String config) {
		Response created = this.http.post("/topics",
				"{\"name\":\"" + name + "\",\"partitions\":" + partitions + ",\"config\":" + config + "}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
	}

	private Response produce(String topic, String records) {
		return this.http.post("/topics/" + topic + "/records", "{\"records\":[" + records + "]}");
	}

	private Response fetch(String topic, int partition, String query) {
		return this.http.get("/topics/" + topic + "/partitions/" + partition + "/records?" + query);
	}

	private long endOffset(String topic, int partition) {
		return this.http.get("/topics/" + topic).json().get("partitionInfo").get(partition).get("endOffset").asLong();
	}

	@Test
	void producedRecordsReadBackIdentically() {
		createTopic("roundtrip", 1, "{}");
		Response produced = produce("roundtrip", """
				{"key":"user-42","value":{"amount":10,"items":[1,2.5,"x"],"nested":{"ok":true}},"headers":{"source":"web"}},
				{"key":null,"value":"plain string","timestamp":1764000000000},
				{"value":12345},{"value":true},{"value":[]},{"key":"k","value":null},
				{"keyBytes":"/4A=","valueBytes":"3q2+7w=="}""");
		assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
		JsonNode offsets = produced.json().get("offsets");
		assertThat(offsets).hasSize(7);
		for (int i = 0; i < 7; i++) {
			assertThat(offsets.get(i).get("partition").asInt()).isZero();
			assertThat(offsets.get(i).get("offset").asLong()).isEqualTo(i);
		}
		assertThat(offsets.get(1).get("timestamp").asLong()).isEqualTo(1764000000000L);
		assertThat(offsets.get(0).get("timestamp").asLong()).isGreaterThan(1764000000000L);

		Response fetched = fetch("roundtrip", 0, "offset=0");
		assertThat(fetched.status()).isEqualTo(200);
		JsonNode records = fetched.json().get("records");
		assertThat(records).hasSize(7);
		JsonNode first = records.get(0);
		assertThat(first.get("topic").asString()).isEqualTo("roundtrip");
		assertThat(first.get("partition").asInt()).isZero();
		assertThat(first.get("offset").asLong()).isZero();
		assertThat(first.get("timestamp").asLong()).isEqualTo(offsets.get(0).get("timestamp").asLong());
		assertThat(first.get("key").asString()).isEqualTo("user-42");
		assertThat(first.get("value").toString()).isEqualTo("{\"amount\":10,\"items\":[1,2.5,\"x\"],\"nested\":{\"ok\":true}}");
		assertThat(first.get("headers").get("source").asString()).isEqualTo("web");
		assertThat(records.get(1).has("key")).isTrue();
		assertThat(records.get(1).get("key").isNull()).isTrue();
		assertThat(records.get(1).get("value").asString()).isEqualTo("plain string");
		assertThat(records.get(1).get("timestamp").asLong()).isEqualTo(1764000000000L);
		assertThat(records.get(2).get("value").asInt()).isEqualTo(12345);
		assertThat(records.get(3).get("value").asBoolean()).isTrue();
		assertThat(records.get(4).get("value").isArray()).isTrue();
		assertThat(records.get(5).has("value")).isTrue();
		assertThat(records.get(5).get("value").isNull()).isTrue();
		JsonNode binary = records.get(6);
		assertThat(binary.has("key")).isFalse();
		assertThat(binary.get("keyBytes").asString()).isEqualTo("/4A=");
		assertThat(binary.has("value")).isFalse();
		assertThat(binary.get("valueBytes").asString()).isEqualTo("3q2+7w==");
		assertThat(fetched.json().get("nextOffset").asLong()).isEqualTo(7);
		assertThat(fetched.json().get("startOffset").asLong()).isZero();
		assertThat(fetched.json().get("endOffset").asLong()).isEqualTo(7);
	}

	@Test
	void binaryThatIsTextComesBackAsText() {
		createTopic("binarytext", 1, "{}");
		String utf8Key = Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8));
		String jsonValue = Base64.getEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
		assertThat(produce("binarytext", "{\"keyBytes\":\"" + utf8Key + "\",\"valueBytes\":\"" + jsonValue + "\"}")
			.status()).isEqualTo(200);
		JsonNode record = fetch("binarytext", 0, "offset=earliest").json().get("records").get(0);
		assertThat(record.get("key").asString()).isEqualTo("héllo");
		assertThat(record.get("value").get("a").asInt()).isEqualTo(1);
	}

	@Test
	void keysLandOnKafkasPartition() {
		createTopic("keyed", 50, "{}");
		Response produced = produce("keyed", "{\"key\":\"foobar\",\"value\":1},{\"key\":\"foobar\",\"value\":2}");
		assertThat(produced.json().get("offsets").get(0).get("partition").asInt()).isEqualTo(16);
		assertThat(produced.json().get("offsets").get(1).get("partition").asInt()).isEqualTo(16);
		assertThat(produced.json().get("offsets").get(1).get("offset").asLong()).isEqualTo(1);
		assertThat(fetch("keyed", 16, "offset=0").json().get("records")).hasSize(2);
	}

	@Test
	void explicitPartitionWinsAndUnkeyedRecordsSpread() {
		createTopic("spread", 4, "{}");
		Response forced = produce("spread", "{\"key\":\"foobar\",\"value\":1,\"partition\":3}");
		assertThat(forced.json().get("offsets").get(0).get("partition").asInt()).isEqualTo(3);
		java.util.Set<Integer> partitions = new java.util.HashSet<>();
		for (int i = 0; i < 8; i++) {
			partitions.add(produce("spread", "{\"value\":" + i + "}").json().get("offsets").get(0).get("partition").asInt());
		}
		assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2, 3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"key\":\"a\",\"keyBytes\":\"AA==\",\"value\":1}",
			"{\"value\":1,\"valueBytes\":\"AA==\"}", "{\"value\":null,\"valueBytes\":\"AA==\"}",
			"{\"keyBytes\":\"not base64!\"}", "{\"valueBytes\":\"%%%\"}", "{\"value\":1,\"colour\":\"red\"}",
			"{\"value\":1,\"partition\":1.5}", "{\"value\":1,\"timestamp\":\"now\"}",
			"{\"key\":5,\"value\":1}", "{\"value\":1,\"headers\":{\"h\":7}}", "{\"value\":1,\"headers\":[\"h\"]}", "null" })
	void badRecordsAreRefusedAndNothingIsWritten(String badRecord) {
		createTopicOnce("strict");
		long before = endOffset("strict", 0);
		Response response = produce("strict", "{\"key\":\"fine\",\"value\":1}," + badRecord);
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(endOffset("strict", 0)).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "-5", "9223372036854775807", "1000" })
	void timestampsOutsideTheTopicsWindowAreRefusedSoNoRecordCanFreezeRetention(String timestamp) {
		String topic = "stamped" + timestamp.replace('-', 'm');
		createTopic(topic, 1, "{\"message.timestamp.before.max.ms\":86400000}");
		Response response = produce(topic, "{\"key\":\"fine\",\"value\":1},{\"value\":1,\"timestamp\":" + timestamp
				+ ",\"partition\":0}");
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.json().get("code").asString()).isEqualTo("INVALID_TIMESTAMP");
		assertThat(endOffset(topic, 0)).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"records\":[]}", "{\"records\":null}", "{\"records\":{}}", "[]" })
	void requestsWithoutRecordsAreRefused(String body) {
		createTopicOnce("strict");
		Response response = this.http.post("/topics/strict/records", body);
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
	}

	@Test
	void unknownTopicAndPartitionAre404() {
		assertThat(produce("nosuchtopic", "{\"value\":1}").json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
		createTopic("twoparts", 2, "{}");
		Response response = produce("twoparts", "{\"value\":1},{\"value\":2,\"partition\":2}");
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.json().get("code").asString()).isEqualTo("PARTITION_NOT_FOUND");
		assertThat(endOffset("twoparts", 0) + endOffset("twoparts", 1)).isZero();
		assertThat(fetch("twoparts", 5, "offset=0").json().get("code").asString()).isEqualTo("PARTITION_NOT_FOUND");
		assertThat(fetch("twoparts", -1, "offset=0").status()).isEqualTo(404);
		assertThat(this.http.get("/topics/twoparts/partitions/x/records").json().get("code").asString())
			.isEqualTo("INVALID_REQUEST");
	}

	@Test
	void recordOverMaxMessageBytesIs413AndWritesNothing() {
		createTopic("smallrecords", 1, "{\"max.message.bytes\":100}");
		Response response = produce("smallrecords", "{\"value\":\"ok\"},{\"key\":\"k\",\"value\":\"" + "x".repeat(200) + "\"}");
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.json().get("code").asString()).isEqualTo("RECORD_TOO_LARGE");
		assertThat(endOffset("smallrecords", 0)).isZero();
		Response headersTooBig = produce("smallrecords", "{\"value\":1,\"headers\":{\"h\":\"" + "y".repeat(150) + "\"}}");
		assertThat(headersTooBig.status()).isEqualTo(413);
	}

	@Test
	void bodyOverTheServerMaximumIs413AndWritesNothing() {
		createTopicOnce("strict");
		long before = endOffset("strict", 0);
		Response response = produce("strict", "{\"value\":\"" + "z".repeat(1100 * 1024) + "\"}");
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.json().get("code").asString()).isEqualTo("REQUEST_TOO_LARGE");
		assertThat(endOffset("strict", 0)).isEqualTo(before);
	}

	@Test
	void fetchFromEarliestLatestOffsetAndTimestamp() {
		createTopic("positions", 1, "{}");
		produce("positions", "{\"value\":0,\"timestamp\":1000},{\"value\":1,\"timestamp\":2000},{\"value\":2,\"timestamp\":3000}");
		assertThat(values(fetch("positions", 0, "offset=earliest"))).containsExactly(0, 1, 2);
		assertThat(values(fetch("positions", 0, "offset=1"))).containsExactly(1, 2);
		assertThat(values(fetch("positions", 0, "offset=latest"))).isEmpty();
		assertThat(fetch("positions", 0, "offset=latest").json().get("nextOffset").asLong()).isEqualTo(3);
		assertThat(values(fetch("positions", 0, ""))).isEmpty();
		assertThat(values(fetch("positions", 0, "timestamp=1500"))).containsExactly(1, 2);
		assertThat(values(fetch("positions", 0, "timestamp=2000"))).containsExactly(1, 2);
		assertThat(values(fetch("positions", 0, "timestamp=9999"))).isEmpty();
		assertThat(values(fetch("positions", 0, "offset=0&maxRecords=2"))).containsExactly(0, 1);
		assertThat(fetch("positions", 0, "offset=0&maxRecords=2").json().get("nextOffset").asLong()).isEqualTo(2);
		assertThat(values(fetch("positions", 0, "offset=0&maxBytes=1"))).hasSize(1);
		assertThat(values(fetch("positions", 0, "offset=0&maxRecords=2147483647&maxBytes=2147483647"))).hasSize(3);

		assertThat(this.http.get("/topics/positions/partitions/0/offsets?timestamp=1500").json().get("offset").asLong())
			.isEqualTo(1);
		assertThat(this.http.get("/topics/positions/partitions/0/offsets?timestamp=0").json().get("offset").asLong())
			.isZero();
		assertThat(this.http.get("/topics/positions/partitions/0/offsets?timestamp=99999").json().get("offset").asLong())
			.isEqualTo(3);
	}

	@ParameterizedTest
	@ValueSource(strings = { "offset=0&timestamp=5", "offset=abc", "offset=1.5", "maxRecords=0", "maxRecords=-1",
			"maxBytes=0", "waitMs=-1", "maxRecords=1.5", "timestamp=-1", "waitMs=soon" })
	void badFetchParametersAre400(String query) {
		createTopicOnce("strict");
		Response response = fetch("strict", 0, query);
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
	}

	@Test
	void offsetOutsideThePartitionIs416WithBothBounds() {
		createTopic("bounds", 1, "{}");
		produce("bounds", "{\"value\":1},{\"value\":2}");
		assertThat(fetch("bounds", 0, "offset=2").status()).isEqualTo(200);
		for (String offset : new String[] { "3", "-1", "999999999999" }) {
			Response response = fetch("bounds", 0, "offset=" + offset);
			assertThat(response.status()).isEqualTo(416);
			assertThat(response.json().get("code").asString()).isEqualTo("OFFSET_OUT_OF_RANGE");
			assertThat(response.json().get("startOffset").asLong()).isZero();
			assertThat(response.json().get("endOffset").asLong()).isEqualTo(2);
		}
	}

	@Test
	void longPollAnswersSoonAfterARecordArrives() throws Exception {
		createTopic("longpoll", 1, "{}");
		CompletableFuture<Response> poll = CompletableFuture
			.supplyAsync(() -> fetch("longpoll", 0, "offset=0&waitMs=20000"));
		org.awaitility.Awaitility.await().during(300, TimeUnit.MILLISECONDS).until(() -> !poll.isDone());
		long producedAt = System.nanoTime();
		produce("longpoll", "{\"value\":\"wake\"}");
		Response response = poll.get(10, TimeUnit.SECONDS);
		long answeredAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - producedAt);
		assertThat(answeredAfterMs).isLessThan(2000);
		assertThat(response.json().get("records").get(0).get("value").asString()).isEqualTo("wake");
	}

	/** With and without a declared (empty) body, whose filter counts a pipelined request's bytes as its own. */
	@ParameterizedTest
	@ValueSource(strings = { "", "Content-Length: 0\r\n" })
	void aLongPollWithARequestPipelinedBehindItIsAnsweredAndSoIsTheNextRequest(String bodyHeader) throws Exception {
		String topic = bodyHeader.isEmpty() ? "pipelined" : "pipelined-sized";
		createTopic(topic, 1, "{}");
		try (java.net.Socket socket = new java.net.Socket("localhost", port())) {
			socket.setSoTimeout(30_000);
			String poll = "GET /topics/" + topic + "/partitions/0/records?offset=0&waitMs=20000 HTTP/1.1\r\nHost: localhost\r\n"
					+ bodyHeader + "\r\n";
			String next = "GET /topics/" + topic + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
			socket.getOutputStream().write(poll.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			Thread.sleep(300);
			socket.getOutputStream().write(next.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			// Long enough for the waiting poll's connection to be probed: the pipelined bytes must not read as a close.
			Thread.sleep(2500);
			produce(topic, "{\"value\":\"late\"}");
			String answers = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			assertThat(answers).startsWith("HTTP/1.1 200").contains("\"late\"");
			assertThat(answers.indexOf("HTTP/1.1 200", 1)).as("the pipelined request's answer").isPositive();
			assertThat(answers).contains("\"name\":\"" + topic + "\"");
		}
	}

	@Test
	void longPollAnswersEmptyWhenTheWaitEnds() {
		createTopic("quiet", 1, "{}");
		long start = System.nanoTime();
		Response response = fetch("quiet", 0, "offset=0&waitMs=300");
		long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("records")).isEmpty();
		assertThat(response.json().get("nextOffset").asLong()).isZero();
		assertThat(tookMs).isGreaterThanOrEqualTo(250);
	}

	@Test
	void aMissingParameterIsNamed() {
		createTopicOnce("strict");
		Response response = this.http.get("/topics/strict/partitions/0/offsets");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(response.json().get("detail").asString()).contains("timestamp");
	}

	@Test
	void aCorruptBatchIsNeverServedAndAnswers503() throws Exception {
		createTopic("corrupt", 1, "{}");
		produce("corrupt", "{\"value\":1,\"timestamp\":1000}");
		produce("corrupt", "{\"value\":2,\"timestamp\":2000}");
		java.nio.file.Path segment = DATA_DIR.resolve("corrupt-0").resolve("00000000000000000000.log");
		byte[] bytes = java.nio.file.Files.readAllBytes(segment);
		try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(segment,
				java.nio.file.StandardOpenOption.WRITE)) {
			// The last byte belongs to the second batch's record: its CRC no longer matches.
			channel.write(java.nio.ByteBuffer.wrap(new byte[] { (byte) ~bytes[bytes.length - 2] }), bytes.length - 2);
		}
		assertThat(values(fetch("corrupt", 0, "offset=0&maxRecords=1"))).hasSize(1);
		for (Response response : new Response[] { fetch("corrupt", 0, "offset=1"),
				fetch("corrupt", 0, "timestamp=2000"),
				this.http.get("/topics/corrupt/partitions/0/offsets?timestamp=1500") }) {
			assertThat(response.status()).as(response.toString()).isEqualTo(503);
			assertThat(response.json().get("code").asString()).isEqualTo("STORAGE_ERROR");
			assertThat(response.text()).doesNotContain(DATA_DIR.toString());
		}
	}

	@Test
	void aLongPollOnATopicDeletedMeanwhileIs404() throws Exception {
		createTopic("vanishing", 1, "{}");
		CompletableFuture<Response> poll = CompletableFuture
			.supplyAsync(() -> fetch("vanishing", 0, "offset=0&waitMs=1500"));
		org.awaitility.Awaitility.await().during(300, TimeUnit.MILLISECONDS).until(() -> !poll.isDone());
		assertThat(this.http.delete("/topics/vanishing").status()).isEqualTo(204);
		Response response = poll.get(10, TimeUnit.SECONDS);
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
	}

	@Test
	void describeShowsRealOffsetsAndSizes() {
		createTopic("described", 2, "{}");
		produce("described", "{\"value\":1,\"partition\":1},{\"value\":2,\"partition\":1}");
		JsonNode info = this.http.get("/topics/described").json().get("partitionInfo");
		assertThat(info.get(0).get("endOffset").asLong()).isZero();
		assertThat(info.get(1).get("endOffset").asLong()).isEqualTo(2);
		assertThat(info.get(1).get("sizeBytes").asLong()).isGreaterThan(info.get(0).get("sizeBytes").asLong());
	}

	@Test
	void producedAndFetchedRecordsAreMetered() {
		createTopic("metered-records", 1, "{}");
		produce("metered-records", "{\"value\":1},{\"value\":2}");
		fetch("metered-records", 0, "offset=0");
		String prometheus = this.http.get("/actuator/prometheus").text();
		assertThat(prometheus).contains("caudal_records_in_total{topic=\"metered-records\"} 2.0");
		assertThat(prometheus).contains("caudal_records_out_total{topic=\"metered-records\"} 2.0");
		assertThat(prometheus).contains("caudal_bytes_in_total{topic=\"metered-records\"}");
		assertThat(prometheus).contains("caudal_produce_latency_seconds_count{topic=\"metered-records\"} 1");
		assertThat(prometheus).contains("caudal_fetch_latency_seconds_count{topic=\"metered-records\"} 1");
		assertThat(this.http.delete("/topics/metered-records").status()).isEqualTo(204);
		assertThat(this.http.get("/actuator/prometheus").text()).doesNotContain("topic=\"metered-records\"");
	}

	private void createTopicOnce(String name) {
		if (this.http.get("/topics/" + name).status() == 404) {
			createTopic(name, 1, "{}");
		}
	}

	private static java.util.List<Integer> values(Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.json().get("records").valueStream().map(record -> record.get("value").asInt()).toList();
	}

}
