package io.caudal.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.caudal.budget.MemoryBudgets;
import io.caudal.concurrent.DaemonThreads;
import io.caudal.log.LogWriter;
import io.caudal.log.OpenFiles;
import io.caudal.time.Time;
import io.caudal.topic.FetchLimits;
import io.caudal.topic.FetchService;
import io.caudal.topic.FileStorage;
import io.caudal.topic.IdempotencyKeys;
import io.caudal.topic.KeyLedger;
import io.caudal.topic.ProduceService;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.Storage;
import io.caudal.topic.TopicMeters;
import io.caudal.topic.TopicRepository;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wires the storage engine that {@code caudal.storage} names behind the {@link Storage} interface, and the services
 * every reader and writer goes through: topics, produce, fetch, and the encoder that writes records to clients.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

	@Bean
	Time time() {
		return Time.SYSTEM;
	}

	@Bean
	TopicService topicService(Storage storage, CaudalProperties properties, MeterRegistry meters) {
		TopicService topics = new TopicService(storage, properties.maxPartitions(), properties.maxPartitionsTotal());
		Gauge.builder("caudal.topics", topics, service -> service.list().size())
			.description("Number of topics")
			.register(meters);
		topics.onDelete(topic -> TopicMeters.remove(meters, topic));
		return topics;
	}

	@Bean
	IdempotencyKeys idempotencyKeys(Storage storage, Time time, CaudalProperties properties, TopicService topics,
			MeterRegistry meters, ObjectProvider<KeyLedger> ledger) {
		CaudalProperties.Idempotency settings = properties.idempotency();
		IdempotencyKeys keys = new IdempotencyKeys(storage, time, settings.window().toMillis(), settings.maxKeys(),
				ledger.getIfAvailable());
		topics.onDelete(keys::forget);
		Gauge.builder("caudal.idempotency.keys", keys, IdempotencyKeys::size)
			.description("Idempotency keys remembered, at most caudal.idempotency.max-keys")
			.register(meters);
		return keys;
	}

	@Bean
	ProduceService produceService(Storage storage, Time time, MeterRegistry meters, IdempotencyKeys keys) {
		return new ProduceService(storage, time, meters, keys);
	}

	/** Answers long polls once they wake; reads are short, so a few threads serve many waiting polls. */
	@Bean(destroyMethod = "shutdown")
	ExecutorService fetchExecutor() {
		return Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
				DaemonThreads.numbered("caudal-fetch-"));
	}

	@Bean
	FetchService fetchService(Storage storage, CaudalProperties properties, ExecutorService fetchExecutor, Time time,
			MeterRegistry meters, MemoryBudgets budgets) {
		CaudalProperties.Fetch fetch = properties.fetch();
		FetchLimits limits = new FetchLimits(fetch.maxRecords(), Math.toIntExact(fetch.maxBytes().toBytes()),
				fetch.maxWait().toMillis(), fetch.maxWaitingPolls());
		return new FetchService(storage, limits, fetchExecutor, time, meters, budgets.fetch());
	}

	@Bean
	RecordEncoder recordEncoder(MeterRegistry meters) {
		return new RecordEncoder(meters);
	}


	/** The file engine: segment files under {@code caudal.data-dir}, topic metadata in the database. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "caudal.storage", havingValue = "files", matchIfMissing = true)
	static class Files {

		@Bean(destroyMethod = "close")
		LogWriter logWriter(CaudalProperties properties) {
			// A full write queue answers 503 at once rather than parking request threads behind a slow disk.
			return new LogWriter(properties.logWriterThreads(), LogWriter.DEFAULT_MAX_QUEUED_BYTES, 0);
		}

		@Bean
		TopicRepository topicRepository(JdbcClient jdbc) {
			return new TopicRepository(jdbc);
		}

		@Bean
		OpenFiles openFiles(CaudalProperties properties, Environment environment, MeterRegistry meters) {
			int maxConnections = environment.getProperty("server.tomcat.max-connections", Integer.class, 8192);
			OpenFiles files = new OpenFiles(
					FileDescriptorBudget.openFiles(properties.maxOpenFiles(), maxConnections));
			Gauge.builder("caudal.log.files.open", files, OpenFiles::openCount)
				.description("Partition files (segments and indexes) open now")
				.register(meters);
			FunctionCounter.builder("caudal.log.files.opened", files, OpenFiles::opens)
				.description("Partition files opened, including reopenings of files closed while idle")
				.register(meters);
			return files;
		}

		@Bean(initMethod = "open", destroyMethod = "close")
		FileStorage fileStorage(CaudalProperties properties, TopicRepository repository, Time time, LogWriter writer,
				OpenFiles files) {
			return new FileStorage(properties.dataDir(), repository, time, writer, files);
		}

		/** Runs retention over every partition at a fixed interval, on one named thread. */
		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService retentionScheduler(FileStorage storage, CaudalProperties properties) {
			ScheduledExecutorService scheduler = Executors
				.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-retention"));
			long intervalMs = properties.retentionCheckInterval().toMillis();
			scheduler.scheduleWithFixedDelay(storage::applyRetention, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
			return scheduler;
		}

	}

}
