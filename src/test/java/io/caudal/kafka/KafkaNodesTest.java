package io.caudal.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.caudal.support.ChildServer;
import io.caudal.support.KafkaStackTest;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import io.caudal.ws.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Caudal nodes on one Kafka cluster, as behind a load balancer: this test's server (node A) and a second one in
 * its own JVM (node B). Nothing about records binds a client to a node.
 */
class KafkaNodesTest extends KafkaStackTest {

	private static ChildServer nodeB;

	@BeforeAll
	static void startNodeB() throws Exception {
		Path dataDir = Files.createTempDirectory("caudal-node-b-").resolve("data");
		nodeB = ChildServer.start(dataDir, "384m", 0, "caudal.storage=kafka",
				"spring.kafka.bootstrap-servers=" + bootstrapServers());
	}

	@AfterAll
	static void stopNodeB() {
		if (nodeB != null) {
			nodeB.close();
		}
	}

	/**
	 * Two nodes write one partition at once, with requests larger than one batch of Kafka's producer: a request's
	 * records may then be split around the other node's. Every answer must still name each record's own offset.
	 */
	@Test
	void producedOffsetsAreEachRecordsOwnWhenTwoNodesWriteOnePartition() throws Exception {
		String name = topic("interleaved");
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		Map<String, Long> answered = new ConcurrentHashMap<>();
		CompletableFuture<?>[] writers = new CompletableFuture<?>[2];
		TestHttp[] nodes = { this.http, nodeB.http() };
		for (int node = 0; node < 2; node++) {
			TestHttp through = nodes[node];
			String writer = "node" + node;
			writers[node] = CompletableFuture.runAsync(() -> {
				for (int request = 0; request < 8; request++) {
					StringBuilder body = new StringBuilder("{\"records\":[");
					for (int i = 0; i < 300; i++) {
						body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(writer).append('-')
							.append(request).append('-').append(i).append("-").append("x".repeat(150)).append("\"}");
					}
					Response produced = through.post("/topics/" + name + "/records", body.append("]}").toString());
					assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
					for (int i = 0; i < 300; i++) {
						answered.put(writer + "-" + request + "-" + i,
								produced.json().get("offsets").get(i).get("offset").asLong());
					}
				}
			});
		}
		CompletableFuture.allOf(writers).get(120, TimeUnit.SECONDS);

		Map<Long, String> stored = new HashMap<>();
		long next = 0;
		while (stored.size() < answered.size()) {
			Response page = this.http.get("/topics/" + name + "/partitions/0/records?offset=" + next
					+ "&maxRecords=500&maxBytes=1048576");
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			for (var record : page.json().get("records")) {
				String value = record.get("value").asString();
				stored.put(record.get("offset").asLong(), value.substring(0, value.lastIndexOf('-')));
			}
			next = page.json().get("nextOffset").asLong();
		}
		answered.forEach((record, offset) -> assertThat(stored.get(offset)).as("the record answered at %d", offset)
			.isEqualTo(record));
	}

	@Test
	void aLongPollOnOneNodeSeesARecordProducedThroughAnother() throws Exception {
		String name = topic("across-nodes");
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		TestHttp b = nodeB.http();
		assertThat(b.get("/topics/" + name).status()).as("a topic made through A is there on B at once").isEqualTo(200);
		CompletableFuture<Response> poll = CompletableFuture
			.supplyAsync(() -> b.get("/topics/" + name + "/partitions/0/records?offset=0&waitMs=20000"));
		Thread.sleep(1000);
		long sent = System.nanoTime();
		assertThat(this.http.post("/topics/" + name + "/records", "{\"records\":[{\"value\":\"from A\"}]}").status())
			.isEqualTo(200);
		Response answer = poll.get(20, TimeUnit.SECONDS);
		long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().get("records").get(0).get("value").asString()).isEqualTo("from A");
		assertThat(tookMs).as("from A's acknowledgement to B's answer").isLessThan(2000);
	}

	@Test
	void aSocketOnOneNodeIsPushedRecordsProducedThroughAnother() {
		String name = topic("pushed-across");
		assertThat(nodeB.http().post("/topics", "{\"name\":\"" + name + "\",\"partitions\":2}").status()).isEqualTo(201);
		try (TestSocket tail = TestSocket.withHeaders(nodeB.port(), "/ws/topics/" + name + "?from=earliest", Map.of())) {
			Response produced = this.http.post("/topics/" + name + "/records",
					"{\"records\":[{\"value\":1,\"partition\":0},{\"value\":2,\"partition\":1}]}");
			assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
			assertThat(tail.awaitRecords(2)).extracting(record -> record.get("value").asInt())
				.containsExactlyInAnyOrder(1, 2);
		}
	}

}
