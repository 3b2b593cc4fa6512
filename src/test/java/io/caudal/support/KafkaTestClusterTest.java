package io.caudal.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proves that {@link KafkaTestCluster} is a real three-broker cluster: a topic with three replicas and
 * {@code min.insync.replicas=2} has all three in sync on three different brokers, takes idempotent {@code acks=all}
 * writes and gives them back, and keeps taking them, with two replicas in sync, while one broker is down.
 */
class KafkaTestClusterTest {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final KafkaTestCluster cluster = KafkaTestCluster.shared();

	private final String topic = "kafka-test-cluster-" + UUID.randomUUID();

	@Test
	void replicatesOnThreeBrokersAndTakesWritesWithOneDown() throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				this.cluster.bootstrapServers()))) {
			assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(0, 1, 2);
			admin.createTopics(List.of(new NewTopic(this.topic, 3, (short) 3)
				.configs(Map.of("min.insync.replicas", "2")))).all().get();
			TopicDescription description = awaitInSync(admin, 3);
			for (TopicPartitionInfo partition : description.partitions()) {
				assertThat(partition.replicas()).as("replicas of %s", partition).extracting(Node::id)
					.containsExactlyInAnyOrder(0, 1, 2);
			}
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, this.topic);
			assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
				.get("min.insync.replicas").value()).isEqualTo("2");

			Map<Integer, List<String>> written = new TreeMap<>();
			for (int partition = 0; partition < 3; partition++) {
				written.put(partition, produce(partition, 10));
			}
			assertThat(consumeAll()).isEqualTo(written);

			int leader = description.partitions().get(0).leader().id();
			this.cluster.stopBroker(leader);
			try {
				TopicDescription withOneDown = awaitInSync(admin, 2);
				assertThat(withOneDown.partitions().get(0).leader().id()).as("new leader of partition 0")
					.isNotEqualTo(leader);
				written.get(0).addAll(produce(0, 10));
			}
			finally {
				this.cluster.startBroker(leader);
			}
			awaitInSync(admin, 3);
			assertThat(consumeAll()).isEqualTo(written);
		}
	}

	/** Waits until every partition of the topic has a leader and exactly {@code replicas} replicas in sync. */
	private TopicDescription awaitInSync(Admin admin, int replicas) {
		return await().atMost(PATIENCE)
			.until(() -> admin.describeTopics(List.of(this.topic)).allTopicNames().get().get(this.topic),
					description -> description.partitions().stream()
						.allMatch(partition -> partition.leader() != null && partition.isr().size() == replicas));
	}

	/**
	 * Writes {@code count} records to a partition with an idempotent {@code acks=all} producer, and checks that they
	 * got consecutive offsets.
	 * @return their values, in order
	 */
	private List<String> produce(int partition, int count) throws ExecutionException, InterruptedException {
		List<String> values = new ArrayList<>();
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
				ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG,
				"all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
				new StringSerializer())) {
			long previous = -1;
			for (int i = 0; i < count; i++) {
				String value = "value-" + partition + "-" + UUID.randomUUID();
				RecordMetadata written = producer.send(new ProducerRecord<>(this.topic, partition, "key-" + i, value))
					.get();
				assertThat(written.partition()).isEqualTo(partition);
				if (previous >= 0) {
					assertThat(written.offset()).as("offset after %d", previous).isEqualTo(previous + 1);
				}
				previous = written.offset();
				values.add(value);
			}
		}
		return values;
	}

	/**
	 * Reads every partition from its start to its end, by assign and seek.
	 * @return the values of each partition, in order
	 */
	private Map<Integer, List<String>> consumeAll() {
		Map<Integer, List<String>> values = new TreeMap<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
				ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.cluster.bootstrapServers(),
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
			for (int partition = 0; partition < 3; partition++) {
				TopicPartition topicPartition = new TopicPartition(this.topic, partition);
				List<String> partitionValues = new ArrayList<>();
				values.put(partition, partitionValues);
				consumer.assign(List.of(topicPartition));
				consumer.seekToBeginning(List.of(topicPartition));
				long endOffset = consumer.endOffsets(List.of(topicPartition)).get(topicPartition);
				long deadline = System.nanoTime() + PATIENCE.toNanos();
				while (consumer.position(topicPartition) < endOffset && System.nanoTime() < deadline) {
					for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
						partitionValues.add(record.value());
					}
				}
			}
		}
		return values;
	}

}
