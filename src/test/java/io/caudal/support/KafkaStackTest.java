package io.caudal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests of Caudal on a Kafka cluster ({@code caudal.storage=kafka}): one Caudal on a random port over
 * the suite's three-broker cluster ({@link KafkaTestCluster}), with Kafka's own clients beside it to check what
 * Caudal wrote and to write as other producers do. Topics carry a per-run suffix ({@link #topic}), since the cluster
 * outlives each test class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "caudal.storage=kafka", "caudal.kafka.topic-refresh=1s",
				"caudal.kafka.mirror-group-offsets=true", "caudal.kafka.mirror-group-prefix=caudal." })
public abstract class KafkaStackTest {

	private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

	protected static final Path DATA_DIR = createDataDir();

	@LocalServerPort
	private int port;

	protected TestHttp http;

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		registry.add("caudal.data-dir", DATA_DIR::toString);
		registry.add("spring.kafka.bootstrap-servers", () -> KafkaTestCluster.shared().bootstrapServers());
	}

	@BeforeEach
	void connect() {
		this.http = new TestHttp(this.port);
	}

	protected int port() {
		return this.port;
	}

	/** A topic name no other test of this run uses. */
	protected static String topic(String name) {
		return name + "-" + RUN;
	}

	protected static Admin admin() {
		return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
	}

	protected static KafkaProducer<byte[], byte[]> producer() {
		return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
	}

	protected static KafkaConsumer<byte[], byte[]> consumer() {
		return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
				new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	protected static String bootstrapServers() {
		return KafkaTestCluster.shared().bootstrapServers();
	}

	private static Path createDataDir() {
		try {
			return Files.createTempDirectory("caudal-kafka-test-").resolve("data");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
