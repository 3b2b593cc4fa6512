package io.caudal.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.caudal.support.KafkaStackTest;
import io.caudal.support.TestHttp.Response;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Caudal's API over a three-broker Kafka cluster: what users see, checked against what Kafka's own clients see. */
class KafkaStorageApiTest extends KafkaStackTest {

	@Test
	void topicsAreTheClustersTopics() throws Exception {
		String name = topic("orders");
		Response created = this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":3,"
				+ "\"replicationFactor\":3,\"config\":{\"min.insync.replicas\":2,\"retention.ms\":3600000}}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.json().get("replicationFactor").asInt()).isEqualTo(3);
		JsonNode config = created.json().get("config");
		assertThat(config.get("min.insync.replicas").asInt()).isEqualTo(2);
		assertThat(config.get("retention.ms").asLong()).isEqualTo(3_600_000L);
		assertThat(config.get("flush.ms").asLong()).as("Kafka's flush default, not Caudal's fsync before ack")
			.isEqualTo(Long.MAX_VALUE);
		try (Admin admin = admin()) {
			TopicDescription described = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
			assertThat(described.partitions()).hasSize(3)
				.allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
			assertThat(topicConfig(admin, name).get("min.insync.replicas").value()).isEqualTo("2");

			Response grown = this.http.patch("/topics/" + name, "{\"partitions\":4,\"config\":{\"retention.ms\":60000}}");
			assertThat(grown.status()).as(grown.toString()).isEqualTo(200);
			assertThat(grown.json().get("partitions").asInt()).isEqualTo(4);
			assertThat(admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions()).hasSize(4);
			assertThat(topicConfig(admin, name).get("retention.ms").value()).isEqualTo("60000");

			String made = topic("made-by-kafka");
			admin.createTopics(List.of(new NewTopic(made, 2, (short) 3))).all().get();
			Response seen = this.http.get("/topics/" + made);
			assertThat(seen.status()).as("a topic Kafka's tools made is found at once").isEqualTo(200);
			assertThat(seen.json().get("partitions").asInt()).isEqualTo(2);

			assertThat(this.http.delete("/topics/" + name).status()).isEqualTo(204);
			assertThat(this.http.get("/topics/" + name).status()).isEqualTo(404);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> !admin.listTopics().names().get().contains(name));
		}
	}

	@Test
	void replicationFactorIsTheClustersDefaultAndAtMostItsBrokers() {
		Response defaulted = this.http.post("/topics", "{\"name\":\"" + topic("defaulted") + "\"}");
		assertThat(defaulted.status()).as(defaulted.toString()).isEqualTo(201);
		assertThat(defaulted.json().get("replicationFactor").asInt()).isEqualTo(3);
		Response tooMany = this.http.post("/topics", "{\"name\":\"" + topic("too-many") + "\",\"replicationFactor\":4}");
		assertThat(tooMany.status()).isEqualTo(400);
		assertThat(tooMany.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(this.http.get("/topics/" + topic("too-many")).status()).isEqualTo(404);
		Response badConfig = this.http.post("/topics", "{\"name\":\"" + topic("bad-config") + "\","
				+ "\"config\":{\"min.insync.replicas\":0}}");
		assertThat(badConfig.status()).isEqualTo(400);
		assertThat(badConfig.json().get("code").asString()).isEqualTo("INVALID_CONFIG");
	}

	@Test
	void keyedRecordsLandWhereKafkasProducerPutsThemAndReadBackAlike() throws Exception {
		String name = topic("keyed");
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":3}").status()).isEqualTo(201);
		List<String> keys = List.of("user-1", "user-2", "user-3", "user-4", "user-5", "user-6");
		StringBuilder body = new StringBuilder("{\"records\":[");
		for (int i = 0; i < keys.size(); i++) {
			body.append((i > 0) ? "," : "").append("{\"key\":\"").append(keys.get(i)).append("\",\"value\":{\"n\":")
				.append(i).append("},\"headers\":{\"source\":\"web\"}}");
		}
		Response produced = this.http.post("/topics/" + name + "/records", body.append("]}").toString());
		assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
		JsonNode offsets = produced.json().get("offsets");
		for (int i = 0; i < keys.size(); i++) {
			int expected = Utils.toPositive(Utils.murmur2(keys.get(i).getBytes(StandardCharsets.UTF_8))) % 3;
			assertThat(offsets.get(i).get("partition").asInt()).as(keys.get(i)).isEqualTo(expected);
		}
		try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
			List<ConsumerRecord<byte[], byte[]>> read = readAll(consumer, name, 3, keys.size());
			for (ConsumerRecord<byte[], byte[]> record : read) {
				String key = new String(record.key(), StandardCharsets.UTF_8);
				int index = keys.indexOf(key);
				assertThat(offsets.get(index).get("partition").asInt()).isEqualTo(record.partition());
				assertThat(offsets.get(index).get("offset").asLong()).isEqualTo(record.offset());
				assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + index + "}");
				assertThat(record.headers().lastHeader("source").value()).isEqualTo("web".getBytes(StandardCharsets.UTF_8));
			}
		}
		int partition = offsets.get(0).get("partition").asInt();
		Response fetched = this.http.get("/topics/" + name + "/partitions/" + partition + "/records?offset=0");
		assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
		JsonNode first = fetched.json().get("records").get(0);
		assertThat(first.get("key").asString()).isEqualTo(keys.get(0));
		assertThat(first.get("value").get("n").asInt()).isZero();
		assertThat(first.get("headers").get("source").asString()).isEqualTo("web");
		assertThat(fetched.json().get("endOffset").asLong()).isEqualTo(fetched.json().get("nextOffset").asLong());
	}

	@Test
	void recordsOfOtherProducersComeOutAsTheContractSays() throws Exception {
		String name = topic("foreign");
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		byte[] notUtf8 = { (byte) 0xff, (byte) 0xfe, 0x00, 0x41 };
		try (KafkaProducer<byte[], byte[]> producer = producer()) {
			RecordHeaders headers = new RecordHeaders();
			headers.add("trace", notUtf8);
			headers.add("kind", "json".getBytes(StandardCharsets.UTF_8));
			producer.send(new ProducerRecord<>(name, 0, 1_764_000_000_000L, "k".getBytes(StandardCharsets.UTF_8),
					"{\"ok\":true}".getBytes(StandardCharsets.UTF_8), headers)).get();
			producer.send(new ProducerRecord<>(name, 0, 1_764_000_001_000L, notUtf8, notUtf8)).get();
			producer.send(new ProducerRecord<>(name, 0, 1_764_000_002_000L, "big".getBytes(StandardCharsets.UTF_8),
					("\"" + "x".repeat(5000) + "\"").getBytes(StandardCharsets.UTF_8), headers)).get();
		}
		Response fetched = this.http.get("/topics/" + name + "/partitions/0/records?offset=0");
		assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
		JsonNode json = fetched.json().get("records").get(0);
		assertThat(json.get("value").get("ok").asBoolean()).isTrue();
		assertThat(json.get("timestamp").asLong()).isEqualTo(1_764_000_000_000L);
		assertThat(json.get("headers").get("kind").asString()).isEqualTo("json");
		assertThat(json.get("headers").has("trace")).isFalse();
		assertThat(json.get("headerBytes").get("trace").asString())
			.isEqualTo(Base64.getEncoder().encodeToString(notUtf8));
		JsonNode bytes = fetched.json().get("records").get(1);
		assertThat(bytes.get("keyBytes").asString()).isEqualTo(Base64.getEncoder().encodeToString(notUtf8));
		assertThat(bytes.get("valueBytes").asString()).isEqualTo(Base64.getEncoder().encodeToString(notUtf8));
		JsonNode big = fetched.json().get("records").get(2);
		assertThat(big.get("value").asString()).as("a record larger than the cursor's first buffer").hasSize(5000);
		assertThat(big.get("headers").get("kind").asString()).isEqualTo("json");
		assertThat(big.get("headerBytes").get("trace").asString())
			.isEqualTo(Base64.getEncoder().encodeToString(notUtf8));

		Response byTime = this.http.get("/topics/" + name + "/partitions/0/records?timestamp=1764000000500");
		assertThat(byTime.json().get("records").get(0).get("offset").asLong()).isEqualTo(1);
		Response outside = this.http.get("/topics/" + name + "/partitions/0/records?offset=99");
		assertThat(outside.status()).isEqualTo(416);
		assertThat(outside.json().get("code").asString()).isEqualTo("OFFSET_OUT_OF_RANGE");
		assertThat(outside.json().get("endOffset").asLong()).isEqualTo(3);
		assertThat(this.http.get("/topics/" + name + "/partitions/1/records").json().get("code").asString())
			.isEqualTo("PARTITION_NOT_FOUND");
	}

	@Test
	void manyLongPollsOfOnePartitionAreWokenByOneRecord() throws Exception {
		String name = topic("fan-out");
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		List<CompletableFuture<Response>> polls = new ArrayList<>();
		ExecutorService clients = Executors.newFixedThreadPool(300);
		for (int i = 0; i < 300; i++) {
			polls.add(CompletableFuture.supplyAsync(
					() -> this.http.get("/topics/" + name + "/partitions/0/records?offset=0&waitMs=20000"), clients));
		}
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(metric("caudal.fetch.waiting")).as("long polls waiting").isEqualTo(300));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(metric("caudal.kafka.partitions.watched"))
				.as("partitions fetched for 300 waiting polls of one").isEqualTo(1));
		long sent = System.nanoTime();
		try (KafkaProducer<byte[], byte[]> producer = producer()) {
			producer.send(new ProducerRecord<>(name, 0, null, "\"hello\"".getBytes(StandardCharsets.UTF_8))).get();
		}
		CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
		clients.shutdown();
		for (CompletableFuture<Response> poll : polls) {
			Response answer = poll.get();
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			assertThat(answer.json().get("records").get(0).get("value").asString()).isEqualTo("hello");
		}
		assertThat(tookMs).as("300 long polls woken by a record written by a Kafka producer").isLessThan(10_000);
	}

	@Test
	void anIdempotencyKeyRetriedWritesOnce() throws Exception {
		String name = topic("retried");
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":2}").status()).isEqualTo(201);
		String body = "{\"records\":[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":2}]}";
		Response first = this.http.produceWithKey(name, "order-7", body);
		Response again = this.http.produceWithKey(name, "order-7", body);
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json().get("offsets")).isEqualTo(first.json().get("offsets"));
		try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
			List<ConsumerRecord<byte[], byte[]>> stored = readAll(consumer, name, 2, 2);
			assertThat(stored).hasSize(2);
			Response fetched = this.http.get("/topics/" + name + "/partitions/" + stored.get(0).partition()
					+ "/records?offset=0");
			assertThat(fetched.json().get("records").get(0).has("headers")
					&& fetched.json().get("records").get(0).get("headers").has("caudal.idempotency"))
				.as("Caudal's mark stays out of its own answers").isFalse();
		}
	}

	private int metric(String name) {
		return this.http.get("/actuator/metrics/" + name).json().get("measurements").get(0).get("value").asInt();
	}

	private static Map<String, ConfigEntry> topicConfig(Admin admin, String name)
			throws Exception {
		ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
		Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
		Map<String, ConfigEntry> entries = new HashMap<>();
		config.entries().forEach(entry -> entries.put(entry.name(), entry));
		return entries;
	}

	/** Reads a topic from the start with Kafka's consumer until {@code count} records came, or 20 seconds passed. */
	private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConsumer<byte[], byte[]> consumer, String topic,
			int partitions, int count) {
		List<TopicPartition> assigned = new ArrayList<>();
		for (int p = 0; p < partitions; p++) {
			assigned.add(new TopicPartition(topic, p));
		}
		consumer.assign(assigned);
		consumer.seekToBeginning(assigned);
		List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (read.size() < count && System.nanoTime() < deadline) {
			consumer.poll(Duration.ofMillis(200)).forEach(read::add);
		}
		consumer.poll(Duration.ofMillis(500)).forEach(read::add);
		return read;
	}

}
