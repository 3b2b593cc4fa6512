package io.caudal.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.caudal.log.LogWriter;
import io.caudal.time.Time;
import io.caudal.topic.FetchLimits;
import io.caudal.topic.FetchService;
import io.caudal.topic.ProduceService;
import io.caudal.topic.TopicMeters;
import io.caudal.topic.TopicRegistry;
import io.caudal.topic.TopicRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the storage engine, the topic registry and the produce and fetch services. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

	@Bean
	Time time() {
		return Time.SYSTEM;
	}

	@Bean(destroyMethod = "close")
	LogWriter logWriter(CaudalProperties properties) {
		// A full write queue answers 503 at once rather than parking request threads behind a slow disk.
		return new LogWriter(properties.logWriterThreads(), LogWriter.DEFAULT_MAX_QUEUED_BYTES, 0);
	}

	@Bean
	TopicRepository topicRepository(JdbcClient jdbc) {
		return new TopicRepository(jdbc);
	}

	@Bean(initMethod = "open", destroyMethod = "close")
	TopicRegistry topicRegistry(CaudalProperties properties, TopicRepository repository, Time time, LogWriter writer,
			MeterRegistry meters) {
		TopicRegistry registry = new TopicRegistry(properties.dataDir(), properties.maxPartitions(), repository, time,
				writer);
		Gauge.builder("caudal.topics", registry, r -> r.list().size())
			.description("Number of topics")
			.register(meters);
		registry.onDelete(topic -> TopicMeters.remove(meters, topic));
		return registry;
	}

	/** Runs retention over every partition at a fixed interval, on one named thread. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService retentionScheduler(TopicRegistry topics, CaudalProperties properties) {
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "caudal-retention"));
		long intervalMs = properties.retentionCheckInterval().toMillis();
		scheduler.scheduleWithFixedDelay(topics::applyRetention, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
		return scheduler;
	}

	@Bean
	ProduceService produceService(TopicRegistry topics, Time time, MeterRegistry meters) {
		return new ProduceService(topics, time, meters);
	}

	/** Answers long polls once they wake; reads are short, so a few threads serve many waiting polls. */
	@Bean(destroyMethod = "shutdown")
	ExecutorService fetchExecutor() {
		AtomicInteger count = new AtomicInteger();
		return Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
				runnable -> daemon(runnable, "caudal-fetch-" + count.incrementAndGet()));
	}

	@Bean
	FetchService fetchService(TopicRegistry topics, CaudalProperties properties, ExecutorService fetchExecutor,
			Time time, MeterRegistry meters) {
		CaudalProperties.Fetch fetch = properties.fetch();
		FetchLimits limits = new FetchLimits(fetch.maxRecords(), Math.toIntExact(fetch.maxBytes().toBytes()),
				fetch.maxWait().toMillis(), fetch.maxWaitingPolls());
		return new FetchService(topics, limits, fetchExecutor, time, meters);
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

}
