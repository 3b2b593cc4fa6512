package io.caudal.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caudal.support.KafkaStackTest;
import io.caudal.support.TestHttp.Response;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code caudal.kafka.mirror-group-offsets}, Kafka's own tools see a Caudal group's committed offsets (here
 * through the Admin client, as {@code kafka-consumer-groups.sh --describe} reads them), and a Kafka group with live
 * members of its own is never overwritten.
 */
class GroupOffsetMirrorTest extends KafkaStackTest {

	@Test
	void committedOffsetsShowInKafkaUnderThePrefixedName() throws Exception {
		String topic = topic("mirrored");
		String group = topic("billing");
		this.http.createTopic(topic, 2);
		this.http.produce(topic, "{\"value\":1,\"partition\":0},{\"value\":2,\"partition\":0},{\"value\":3,\"partition\":1}");
		String member = join(group, topic);
		Response polled = this.http.get("/groups/" + group + "/members/" + member + "/records?maxRecords=10&waitMs=5000");
		assertThat(polled.status()).as(polled.toString()).isEqualTo(200);
		assertThat(polled.json().get("records")).hasSize(3);
		assertThat(this.http.post("/groups/" + group + "/members/" + member + "/commit", "").status()).isEqualTo(200);
		try (Admin admin = admin()) {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(kafkaOffsets(admin, "caudal." + group))
				.containsEntry(new TopicPartition(topic, 0), 2L)
				.containsEntry(new TopicPartition(topic, 1), 1L));
		}
	}

	@Test
	void aKafkaGroupWithLiveMembersIsNotOverwritten() throws Exception {
		String topic = topic("contested");
		String group = topic("shared-name");
		this.http.createTopic(topic, 1);
		this.http.produce(topic, "{\"value\":1},{\"value\":2}");
		try (KafkaConsumer<byte[], byte[]> kafkaMember = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG,
				"caudal." + group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
				new ByteArrayDeserializer()); Admin admin = admin()) {
			kafkaMember.subscribe(List.of(topic));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				kafkaMember.poll(Duration.ofMillis(200));
				return !kafkaMember.assignment().isEmpty();
			});
			String member = join(group, topic);
			assertThat(this.http.get("/groups/" + group + "/members/" + member + "/records?waitMs=5000").json()
				.get("records")).hasSize(2);
			Response committed = this.http.post("/groups/" + group + "/members/" + member + "/commit", "");
			assertThat(committed.status()).as("Caudal's commit stands whatever Kafka says").isEqualTo(200);
			Thread.sleep(2000);
			kafkaMember.poll(Duration.ofMillis(100));
			assertThat(kafkaOffsets(admin, "caudal." + group)).as("nothing forced into a live Kafka group").isEmpty();
		}
	}

	private String join(String group, String topic) {
		Response joined = this.http.post("/groups/" + group + "/members",
				"{\"topics\":[\"" + topic + "\"],\"autoOffsetReset\":\"earliest\"}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		return joined.json().get("memberId").asString();
	}

	private static Map<TopicPartition, Long> kafkaOffsets(Admin admin, String group) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get();
		Map<TopicPartition, Long> plain = new HashMap<>();
		offsets.forEach((partition, offset) -> {
			if (offset != null) {
				plain.put(partition, offset.offset());
			}
		});
		return plain;
	}

}
