package io.caudal.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.caudal.time.Time;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes the Kafka clients of one node's {@link KafkaStorage} from the cluster's connection settings: one admin
 * client, one idempotent producer with {@code acks=all}, a pool of reading consumers and the watcher's consumer.
 * Consumers read {@code read_committed} and belong to no Kafka group.
 */
public final class KafkaEngine {

	/** Room for a request's framing around the records Caudal lets a client send at once. */
	private static final int REQUEST_OVERHEAD = 64 * 1024;

	/** Kafka's floor for the broker's long poll is none; the bound and Kafka's default is 500 ms. */
	private static final int WATCH_WAIT_MS = 500;

	private final Map<String, Object> cluster;

	private final long timeoutMs;

	private final int maxRequestBytes;

	private final int maxRecords;

	private final AtomicInteger consumers = new AtomicInteger();

	/**
	 * @param cluster the connection settings every client shares (bootstrap servers, security, client id)
	 * @param timeoutMs how long a call to the cluster may take
	 * @param maxRequestBytes the largest produce request Caudal accepts
	 * @param maxRecords the most records one read returns
	 */
	public KafkaEngine(Map<String, Object> cluster, long timeoutMs, int maxRequestBytes, int maxRecords) {
		this.cluster = Map.copyOf(cluster);
		this.timeoutMs = timeoutMs;
		this.maxRequestBytes = maxRequestBytes;
		this.maxRecords = maxRecords;
	}

	/** The storage, its clients made and not yet connected; {@link KafkaStorage#open()} reaches the cluster. */
	public KafkaStorage storage(int readers, Time time) {
		Admin admin = Admin.create(settings(Map.of(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
				(int) this.timeoutMs)));
		KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(), new ByteArraySerializer(),
				new ByteArraySerializer());
		KafkaReaders pool = new KafkaReaders(() -> consumer(0), readers, this.timeoutMs);
		PartitionWatcher watcher = new PartitionWatcher(consumer(WATCH_WAIT_MS));
		return new KafkaStorage(admin, producer, pool, watcher, new KafkaTopics(admin, time, this.timeoutMs),
				this.timeoutMs);
	}

	private Map<String, Object> producerSettings() {
		return settings(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
				ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) this.timeoutMs,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (3 * this.timeoutMs),
				ProducerConfig.MAX_BLOCK_MS_CONFIG, this.timeoutMs,
				ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1024 * 1024, this.maxRequestBytes) + REQUEST_OVERHEAD,
				ProducerConfig.CLIENT_ID_CONFIG, clientId("producer")));
	}

	/**
	 * A reading consumer: {@code fetchWaitMs} 0 answers at once (a read of the pool), 500 long-polls the broker (the
	 * watcher, which needs only to learn that records arrived, so one batch per partition is enough).
	 */
	private KafkaConsumer<byte[], byte[]> consumer(int fetchWaitMs) {
		Map<String, Object> settings = new HashMap<>(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
				ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
				fetchWaitMs, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, this.maxRecords,
				ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) this.timeoutMs,
				ConsumerConfig.CLIENT_ID_CONFIG, clientId((fetchWaitMs > 0) ? "watcher" : "reader")));
		if (fetchWaitMs > 0) {
			settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1);
		}
		return new KafkaConsumer<>(settings(settings), new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	private String clientId(String role) {
		Object base = this.cluster.getOrDefault(CommonClientConfigs.CLIENT_ID_CONFIG, "caudal");
		return base + "-" + role + "-" + this.consumers.incrementAndGet();
	}

	private Map<String, Object> settings(Map<String, Object> own) {
		Map<String, Object> settings = new HashMap<>(this.cluster);
		settings.putAll(own);
		return settings;
	}

}
