package io.caudal.sse;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.caudal.support.CaudalServer;
import io.caudal.support.FullStackTest;
import io.caudal.support.TestEvents;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import io.caudal.topic.FileStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /topics/{topic}/events} with a real HTTP client: the stream, resuming, and its edge cases. */
class EventStreamTest extends FullStackTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@Autowired
	private FileStorage storage;

	@TempDir
	Path restartDir;

	@Test
	void recordsComeInTheFetchShapeWithAnIdThatResumesExactlyAfterTheLastEvent() {
		createTopic(this.http, "sse-resume", 3);
		produceNumbers(this.http, "sse-resume", 0, 0, 5);
		produceNumbers(this.http, "sse-resume", 1, 5, 5);
		String lastEventId;
		try (TestEvents events = TestEvents.open(port(), "/topics/sse-resume/events?from=earliest", null)) {
			assertThat(events.status()).isEqualTo(200);
			List<JsonNode> first = events.records(10, PATIENCE);
			assertThat(values(first)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
			JsonNode fetched = this.http.get("/topics/sse-resume/partitions/0/records?offset=0").json().get("records");
			assertThat(first).contains(fetched.get(0));
			lastEventId = events.lastEventId();
		}
		produceNumbers(this.http, "sse-resume", 2, 10, 3);
		produceNumbers(this.http, "sse-resume", 0, 13, 2);
		try (TestEvents resumed = TestEvents.open(port(), "/topics/sse-resume/events?from=earliest", lastEventId)) {
			List<JsonNode> rest = resumed.records(5, PATIENCE);
			assertThat(values(rest)).containsExactlyInAnyOrder(10, 11, 12, 13, 14);
			produceNumbers(this.http, "sse-resume", 1, 15, 1);
			assertThat(values(resumed.records(1, PATIENCE))).containsExactly(15);
		}
	}

	@Test
	void aClientThatReconnectsBeforeAnyRecordResumesWhereItStarted() {
		createTopic(this.http, "sse-early", 1);
		produceNumbers(this.http, "sse-early", 0, 0, 2);
		String started;
		try (TestEvents events = TestEvents.open(port(), "/topics/sse-early/events", null)) {
			await().atMost(PATIENCE).until(() -> events.lastEventId() != null);
			started = events.lastEventId();
		}
		produceNumbers(this.http, "sse-early", 0, 2, 2);
		try (TestEvents resumed = TestEvents.open(port(), "/topics/sse-early/events", started)) {
			assertThat(values(resumed.records(2, PATIENCE))).containsExactly(2, 3);
		}
	}

	@Test
	void aStreamResumesAfterARestartOfTheServer() {
		Path data = this.restartDir.resolve("data");
		String lastEventId;
		try (CaudalServer server = CaudalServer.start(data)) {
			createTopic(server.http(), "sse-restart", 2);
			produceNumbers(server.http(), "sse-restart", 0, 0, 3);
			try (TestEvents events = TestEvents.open(server.port(), "/topics/sse-restart/events?from=earliest", null)) {
				events.records(3, PATIENCE);
				lastEventId = events.lastEventId();
			}
		}
		try (CaudalServer server = CaudalServer.start(data)) {
			produceNumbers(server.http(), "sse-restart", 1, 3, 2);
			try (TestEvents events = TestEvents.open(server.port(), "/topics/sse-restart/events", lastEventId)) {
				assertThat(values(events.records(2, PATIENCE))).containsExactly(3, 4);
			}
		}
	}

	@Test
	void recordsRetentionDeletedMeanwhileAreReportedAndTheStreamGoesOnFromTheStart() {
		TestHttp http = this.http;
		assertThat(http.post("/topics", "{\"name\":\"sse-retained\",\"config\":{\"retention.ms\":60000}}").status())
			.isEqualTo(201);
		produce(http, "sse-retained", "{\"value\":0,\"timestamp\":1000}");
		String lastEventId;
		try (TestEvents events = TestEvents.open(port(), "/topics/sse-retained/events", null)) {
			await().atMost(PATIENCE).until(() -> events.lastEventId() != null);
			lastEventId = events.lastEventId();
		}
		produce(http, "sse-retained", "{\"value\":1,\"timestamp\":2000},{\"value\":2,\"timestamp\":3000}");
		assertThat(http.patch("/topics/sse-retained", "{\"config\":{\"retention.ms\":1}}").status()).isEqualTo(200);
		this.storage.applyRetention();
		assertThat(http.get("/topics/sse-retained").json().get("partitionInfo").get(0).get("startOffset").asLong())
			.isEqualTo(3);

		try (TestEvents events = TestEvents.open(port(), "/topics/sse-retained/events", lastEventId)) {
			TestEvents.Event skip = events.next(PATIENCE);
			assertThat(skip.type()).isEqualTo("skip");
			assertThat(skip.json().get("partition").asInt()).isZero();
			assertThat(skip.json().get("fromOffset").asLong()).isEqualTo(1);
			assertThat(skip.json().get("toOffset").asLong()).isEqualTo(3);
			produce(http, "sse-retained", "{\"value\":3}");
			assertThat(values(events.records(1, PATIENCE))).containsExactly(3);
		}
	}

	@Test
	void partitionsAddedToTheTopicAreReadFromTheirStart() {
		createTopic(this.http, "sse-growing", 1);
		try (TestEvents events = TestEvents.open(port(), "/topics/sse-growing/events", null)) {
			await().atMost(PATIENCE).until(() -> events.lastEventId() != null);
			assertThat(this.http.patch("/topics/sse-growing", "{\"partitions\":2}").status()).isEqualTo(200);
			produceNumbers(this.http, "sse-growing", 1, 7, 2);
			List<JsonNode> records = events.records(2, PATIENCE);
			assertThat(records).extracting(record -> record.get("partition").asInt()).containsExactly(1, 1);
			assertThat(values(records)).containsExactly(7, 8);
		}
	}

	@Test
	void aDeletedTopicEndsTheStreamWithAnErrorEvent() {
		createTopic(this.http, "sse-doomed", 1);
		try (TestEvents events = TestEvents.open(port(), "/topics/sse-doomed/events", null)) {
			await().atMost(PATIENCE).until(() -> events.lastEventId() != null);
			assertThat(this.http.delete("/topics/sse-doomed").status()).isEqualTo(204);
			TestEvents.Event error = events.next(PATIENCE);
			assertThat(error.type()).isEqualTo("error");
			assertThat(error.json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
			await().atMost(PATIENCE).until(events::ended);
		}
	}

	@Test
	void refusalsComeBeforeTheStreamAsProblems() {
		Response missing = this.http.get("/topics/sse-missing/events");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
		createTopic(this.http, "sse-strict", 1);
		Response badFrom = this.http.get("/topics/sse-strict/events?from=yesterday");
		assertThat(badFrom.status()).isEqualTo(400);
		assertThat(badFrom.contentType()).startsWith("application/problem+json");
		try (TestEvents forged = TestEvents.open(port(), "/topics/sse-strict/events", "not-an-id")) {
			assertThat(forged.status()).isEqualTo(400);
		}
	}

	@Test
	void aClientThatStopsReadingCostsOneEventNotABacklog() throws Exception {
		createTopic(this.http, "sse-slow", 1);
		String value = "\"" + "x".repeat(10_000) + "\"";
		for (int batch = 0; batch < 20; batch++) {
			produce(this.http, "sse-slow", IntStream.range(0, 100).mapToObj(i -> "{\"value\":" + value + "}")
				.collect(Collectors.joining(",")));
		}
		double before = metric("caudal.sse.bytes.written");
		try (Socket socket = new Socket("localhost", port())) {
			socket.setReceiveBufferSize(4096);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /topics/sse-slow/events?from=earliest HTTP/1.1\r\nHost: localhost\r\n"
					+ "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
			await().atMost(PATIENCE).until(() -> metric("caudal.sse.bytes.written") > before);
			double[] last = { -1 };
			// Stalled once a second passes with next to nothing written; other tests' streams may still send
			// keep-alives, so the shared meter is not expected to stand perfectly still.
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
				double now = metric("caudal.sse.bytes.written");
				boolean stalled = last[0] >= 0 && now - last[0] < 64 * 1024;
				last[0] = now;
				return stalled;
			});
			await().during(Duration.ofSeconds(2)).atMost(PATIENCE)
				.until(() -> metric("caudal.sse.bytes.written") - before < 8 * 1024 * 1024);
		}
	}

	private double metric(String name) {
		Response response = this.http.get("/actuator/metrics/" + name);
		return response.json().get("measurements").get(0).get("value").asDouble();
	}

	private static void createTopic(TestHttp http, String name, int partitions) {
		Response created = http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
	}

	private static void produce(TestHttp http, String topic, String records) {
		Response produced = http.post("/topics/" + topic + "/records", "{\"records\":[" + records + "]}");
		assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
	}

	private static void produceNumbers(TestHttp http, String topic, int partition, int from, int count) {
		produce(http, topic, IntStream.range(from, from + count)
			.mapToObj(i -> "{\"value\":" + i + ",\"partition\":" + partition + "}")
			.collect(Collectors.joining(",")));
	}

	private static List<Integer> values(List<JsonNode> records) {
		List<Integer> values = new ArrayList<>();
		records.forEach(record -> values.add(record.get("value").asInt()));
		return values;
	}

}
