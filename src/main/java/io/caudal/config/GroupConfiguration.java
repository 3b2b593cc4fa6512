package io.caudal.config;

import java.util.concurrent.ExecutorService;

import io.caudal.group.GroupCoordinator;
import io.caudal.kafka.KafkaStorage;
import io.caudal.offset.DatabaseClock;
import io.caudal.offset.JdbcOffsetStore;
import io.caudal.offset.OffsetStore;
import io.caudal.time.Time;
import io.caudal.topic.FetchService;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Wires the consumer group coordinator and its store. The coordinator restores memberships and offsets from the
 * database when it starts, and answers long polls on the fetch executor.
 */
@Configuration(proxyBeanMethods = false)
class GroupConfiguration {

	/**
	 * The database's store; on a Kafka cluster with {@code caudal.kafka.mirror-group-offsets}, its commits are also
	 * written to Kafka's {@code __consumer_offsets}.
	 */
	@Bean
	DatabaseClock databaseClock(JdbcClient jdbc) {
		return new DatabaseClock(jdbc);
	}

	@Bean
	OffsetStore offsetStore(JdbcClient jdbc, PlatformTransactionManager transactionManager, DatabaseClock clock,
			ObjectProvider<KafkaStorage> kafka, CaudalProperties properties) {
		OffsetStore store = new JdbcOffsetStore(jdbc, transactionManager, clock);
		KafkaStorage cluster = kafka.getIfAvailable();
		if (cluster != null && properties.kafka().mirrorGroupOffsets()) {
			return cluster.mirrorOffsets(store, properties.kafka().mirrorGroupPrefix());
		}
		return store;
	}

	/** On a Kafka cluster, nodes are many and share their groups through the database. */
	@Bean(initMethod = "start", destroyMethod = "close")
	GroupCoordinator groupCoordinator(TopicService topics, FetchService fetch, OffsetStore store, Time time,
			ExecutorService fetchExecutor, MeterRegistry meters, CaudalProperties properties) {
		boolean shared = properties.storage() == CaudalProperties.StorageEngine.KAFKA;
		GroupCoordinator coordinator = new GroupCoordinator(topics, fetch, store, time, fetchExecutor, meters,
				shared);
		topics.onDelete(coordinator::topicDeleted);
		return coordinator;
	}

}
