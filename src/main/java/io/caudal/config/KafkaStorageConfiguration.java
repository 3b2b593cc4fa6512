package io.caudal.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.kafka.KafkaEngine;
import io.caudal.kafka.KafkaStorage;
import io.caudal.offset.DatabaseClock;
import io.caudal.topic.KeyLedger;
import io.caudal.time.Time;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Kafka engine ({@code caudal.storage=kafka}), configured by Spring Boot's own Kafka property names:
 * {@code spring.kafka.bootstrap-servers}, {@code spring.kafka.client-id}, {@code spring.kafka.security.protocol}, and
 * any client setting under {@code spring.kafka.properties.*} (SASL, SSL). Only kafka-clients is needed, not
 * Spring for Apache Kafka, so these are read here rather than through its auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "caudal.storage", havingValue = "kafka")
class KafkaStorageConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(KafkaStorageConfiguration.class);

	@Bean(initMethod = "open", destroyMethod = "close")
	KafkaStorage kafkaStorage(Environment environment, CaudalProperties properties, Time time, MeterRegistry meters) {
		CaudalProperties.Kafka kafka = properties.kafka();
		KafkaEngine engine = new KafkaEngine(clientSettings(environment), kafka.timeout().toMillis(),
				Math.toIntExact(properties.maxRequestSize().toBytes()), properties.fetch().maxRecords());
		KafkaStorage storage = engine.storage(kafka.readers(), time);
		Gauge.builder("caudal.kafka.partitions.watched", storage, KafkaStorage::watchedPartitions)
			.description("Kafka partitions this node's waiting readers (long polls, tails, streams) share one fetch of")
			.register(meters);
		return storage;
	}

	/** Idempotency keys shared by every node through the database, so that a retry through any node writes once. */
	@Bean
	KeyLedger keyLedger(KafkaStorage storage, JdbcClient jdbc, PlatformTransactionManager transactionManager,
			DatabaseClock clock, CaudalProperties properties) {
		CaudalProperties.Idempotency settings = properties.idempotency();
		return storage.keyLedger(jdbc, transactionManager, clock, settings.window().toMillis(), settings.maxKeys());
	}

	/** Reads the cluster's topics again at an interval, to see what other nodes and Kafka's tools changed. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService kafkaTopicRefresh(KafkaStorage storage, CaudalProperties properties) {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-kafka-topics"));
		long intervalMs = properties.kafka().topicRefresh().toMillis();
		scheduler.scheduleWithFixedDelay(() -> {
			try {
				storage.refreshTopics();
			}
			catch (RuntimeException ex) {
				logger.warn("Reading the Kafka cluster's topics failed; tried again in {} ms: {}", intervalMs,
						ex.getMessage());
			}
		}, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
		return scheduler;
	}

	private static Map<String, Object> clientSettings(Environment environment) {
		Binder binder = Binder.get(environment);
		Map<String, Object> settings = new HashMap<>(binder
			.bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of()));
		List<String> servers = binder.bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
			.orElse(List.of("localhost:9092"));
		settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", servers));
		settings.put(CommonClientConfigs.CLIENT_ID_CONFIG,
				binder.bind("spring.kafka.client-id", String.class).orElse("caudal"));
		binder.bind("spring.kafka.security.protocol", String.class)
			.ifBound(protocol -> settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol));
		return settings;
	}

}
