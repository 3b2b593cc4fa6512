package io.caudal.ws;

import java.nio.file.Path;
import java.time.Duration;

import io.caudal.support.CaudalServer;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading, against a real server whose send time limit is short enough to
 * watch: it is closed, it holds back only what its buffers hold, and another socket is not
 * delayed meanwhile.
 */
class StalledReaderTest {

	private static final int RECORDS = 30;

	@TempDir
	static Path dataDir;

	private static CaudalServer server;

	private static TestHttp http;

	@BeforeAll
	static void start() {
		server = CaudalServer.start(dataDir, "caudal.websocket.send-time-limit=1s",
				"caudal.websocket.send-buffer-size=256KB");
		http = server.http();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private static double metric(String name, String tag) {
		Response response = http.get("/actuator/metrics/" + name + ((tag != null) ? "?tag=" + tag : ""));
		return (response.status() == 200) ? response.json().get("measurements").get(0).get("value").asDouble() : 0;
	}

	private static void produce(String topic, String value) {
		Response produced = http.post("/topics/" + topic + "/records", "{\"records\":[{\"value\":" + value + "}]}");
		assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
	}

	@Test
	void aClientThatStopsReadingIsClosedAndDoesNotDelayAnotherSocket() {
		assertThat(http.post("/topics", "{\"name\":\"flood\",\"partitions\":1}").status()).isEqualTo(201);
		assertThat(http.post("/topics", "{\"name\":\"calm\",\"partitions\":1}").status()).isEqualTo(201);
		try (TestSocket stalled = TestSocket.stalled(server.port(), "/ws/topics/flood?credit=10000");
				TestSocket healthy = TestSocket.open(server.port(), "/ws/topics/calm")) {
			await().atMost(Duration.ofSeconds(5)).until(() -> metric("caudal.websocket.sessions", null) == 2);

			String large = "\"" + "x".repeat(900_000) + "\"";
			for (int i = 0; i < RECORDS; i++) {
				produce("flood", large);
			}
			produce("calm", "\"still served\"");
			await().atMost(Duration.ofSeconds(2)).until(() -> healthy.records().size() == 1);

			await().atMost(Duration.ofSeconds(10)).until(() -> metric("caudal.websocket.sessions", null) == 1);
			assertThat(metric("caudal.websocket.records.pushed", "topic:flood")).isLessThan(RECORDS);
			assertThat(metric("caudal.websocket.send.buffered", null)).isZero();

			produce("calm", "\"after the close\"");
			assertThat(healthy.awaitRecords(2)).extracting(record -> record.get("value").asString())
				.containsExactly("still served", "after the close");
		}
	}

}
