package io.caudal.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.caudal.support.ChildServer;
import io.caudal.support.KafkaTestCluster;
import io.caudal.support.SharedDatabaseStackTest;
import io.caudal.support.TestHttp.Response;
import io.caudal.topic.IdempotencyKeys;
import io.caudal.topic.IdempotencyMark;
import io.caudal.topic.KeyLedger;
import io.caudal.topic.NewRecord;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code Idempotency-Key} on a Kafka cluster, shared by the nodes through PostgreSQL: a retry through another node
 * answers the first try's positions, and a node that dies between claiming a key and writing, or between writing and
 * noting the outcome, leaves the key to a retry through another node, which writes exactly once. With {@code caudal.kafka.timeout} 3 s a claim's lease is 12 s.
 */
@TestPropertySource(properties = "caudal.kafka.timeout=3s")
class SharedIdempotencyTest extends SharedDatabaseStackTest {

	private static final String BODY = "{\"records\":[{\"value\":\"once\"}]}";

	@Autowired
	KeyLedger ledger;

	@Autowired
	KafkaStorage storage;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aRetryAfterTheFirstTrysNodeDiedBetweenWritingAndNotingItAnswersThatWriteAndWritesNothing() throws Exception {
		String name = topic("died-after-write");
		this.http.createTopic(name, 1);
		IdempotencyKeys.Request request = IdempotencyKeys.Request.of(null, "after-write",
				IdempotencyKeys.sha256().digest(BODY.getBytes(StandardCharsets.UTF_8)));
		KeyLedger.Claim claim = this.ledger.claim(name, request, 1);
		this.ledger.writing(name, request.keyHash(), claim.token(), Set.of(0));
		long written = this.storage
			.append(name, Map.of(0, List.of(new NewRecord(null, "\"once\"".getBytes(StandardCharsets.UTF_8), List.of(),
					System.currentTimeMillis()))), new IdempotencyMark(request.keyHash(), (short) 1, request.bodyHash()))
			.get(0)
			.get()[0];
		// The node dies here: the ledger never hears how the write went.

		Response early = this.http.produceWithKey(name, "after-write", BODY);
		assertThat(early.status()).as(early.toString()).isEqualTo(409);
		assertThat(early.json().get("code").asString()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
		Response retried = await("a retry once the claim's lease ended").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> this.http.produceWithKey(name, "after-write", BODY), answer -> answer.status() != 409);
		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		assertThat(retried.json().get("offsets").get(0).get("offset").asLong()).isEqualTo(written);
		assertThat(records(name)).as("the record once").hasSize(1);
	}

	@Test
	void aNodeKilledWithItsWriteInFlightLeavesTheKeyToAnotherNodeWhichWritesOnce() throws Exception {
		String name = topic("died-before-write");
		Response created = this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":1,"
				+ "\"replicationFactor\":3,\"config\":{\"min.insync.replicas\":\"3\"}}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		try (ChildServer nodeB = startNode("caudal.kafka.timeout=3s")) {
			assertThat(nodeB.http().produceWithKey(name, "warm-up", BODY).status()).isEqualTo(200);
			Response throughA = this.http.produceWithKey(name, "elsewhere", BODY);
			assertThat(throughA.status()).as(throughA.toString()).isEqualTo(200);
			assertThat(nodeB.http().produceWithKey(name, "elsewhere", BODY).json().get("offsets"))
				.as("a retry through another node, which knew the topic's keys before").isEqualTo(throughA.json().get("offsets"));

			int follower = aFollowerOf(name);
			KafkaTestCluster.shared().stopBroker(follower);
			try {
				CompletableFuture.runAsync(() -> nodeB.http().produceWithKey(name, "before-write", BODY));
				await("node B noted where its write starts").atMost(Duration.ofSeconds(15))
					.until(() -> this.jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE topic = ?"
							+ " AND pending AND write_ends IS NOT NULL").param(name).query(Integer.class).single() == 1);
				nodeB.kill();
			}
			finally {
				KafkaTestCluster.shared().startBroker(follower);
			}
		}
		Response retried = await("a retry through node A once the claim's lease ended")
			.atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> this.http.produceWithKey(name, "before-write", BODY),
					answer -> answer.status() != 409 && answer.status() != 503);
		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		assertThat(this.http.produceWithKey(name, "before-write", BODY).json().get("offsets"))
			.as("and a retry after that answers the same").isEqualTo(retried.json().get("offsets"));
		assertThat(records(name)).as("warm-up, elsewhere and before-write, each once").hasSize(3);
	}

	private int aFollowerOf(String name) throws Exception {
		TopicDescription described = admin().describeTopics(List.of(name)).allTopicNames().get().get(name);
		int leader = described.partitions().get(0).leader().id();
		return described.partitions()
			.get(0)
			.replicas()
			.stream()
			.mapToInt(node -> node.id())
			.filter(id -> id != leader)
			.findFirst()
			.orElseThrow();
	}

	private List<JsonNode> records(String name) {
		List<JsonNode> values = new ArrayList<>();
		this.http.get("/topics/" + name + "/partitions/0/records?offset=0").json().get("records").forEach(values::add);
		return values;
	}

}
