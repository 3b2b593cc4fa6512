package io.caudal.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's side of {@link EndToEnd}, in microseconds where Kafka's own EndToEndLatency tool has
 * whole milliseconds and one record in flight: a KafkaConsumer assigned to partition 0 at its end
 * polls in a thread of its own, while a KafkaProducer sends one record at a time on the same
 * {@link OpenLoop} schedule, rate and record size ({@code acks=all}, {@code linger.ms=0}: each
 * record leaves at once, as Caudal's one-record requests do). Consumer and producer keep Kafka's
 * defaults otherwise: a fetch waits at the broker until a record is there. Run with the broker's
 * classpath.
 */
final class KafkaEndToEnd {

	static void run(Options options) throws Exception {
		String bootstrap = options.string("bootstrap");
		String topic = options.string("topic");
		int rate = options.integer("rate", 500);
		long warmupMs = options.number("warmup-ms", 2000);
		long durationMs = options.number("duration-ms", 10_000);
		int recordSize = options.integer("record-size", 100);
		long periodNanos = 1_000_000_000L / rate;
		long total = rate * (warmupMs + durationMs) / 1000;

		Reader reader = new Reader(bootstrap, new TopicPartition(topic, 0));
		reader.thread.start();
		if (!reader.positioned.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The consumer did not find the end of " + topic + "-0 in 30 s.");
		}
		Histogram answered = Results.histogram();
		AtomicLong errors = new AtomicLong();
		AtomicLong inFlight = new AtomicLong();
		String letters = Results.letters(recordSize, 7);
		try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
			producer.partitionsFor(topic); // the metadata, before the first record is due
			long startNanos = OpenLoop.now();
			long measureFrom = startNanos + warmupMs * 1_000_000;
			reader.measureFrom = measureFrom;
			OpenLoop.run(startNanos, periodNanos, total, due -> {
				byte[] value = OpenLoop.value(due, letters, recordSize).getBytes(StandardCharsets.US_ASCII);
				inFlight.incrementAndGet();
				producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
					inFlight.decrementAndGet();
					if (error != null) {
						errors.incrementAndGet();
					}
					else if (due >= measureFrom) {
						synchronized (answered) {
							Results.record(answered, OpenLoop.now() - due);
						}
					}
				});
			});
			long deadline = System.nanoTime() + 10_000_000_000L;
			while ((reader.received < total || inFlight.get() > 0) && System.nanoTime() < deadline) {
				LockSupport.parkNanos(10_000_000);
			}
		}
		reader.stop();

		Map<String, Object> result = new LinkedHashMap<>();
		result.put("sent", total);
		result.put("received", reader.received);
		result.put("errors", errors.get());
		result.put("rate", rate);
		result.putAll(Results.latencies(reader.latency));
		synchronized (answered) {
			result.put("produceP50Ms", Results.ms(answered.getValueAtPercentile(50)));
			result.put("produceP99Ms", Results.ms(answered.getValueAtPercentile(99)));
		}
		Results.print(result);
		System.exit((reader.received == total && errors.get() == 0) ? 0 : 1);
	}

	private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
		Properties config = new Properties();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-e2e-producer");
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
		return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
	}

	/**
	 * The consumer and its thread. The latencies are recorded by that thread and read after
	 * {@link #stop()} has joined it.
	 */
	private static final class Reader implements Runnable {

		private final KafkaConsumer<byte[], byte[]> consumer;

		private final TopicPartition partition;

		final Thread thread = new Thread(this, "e2e-consumer");

		final CountDownLatch positioned = new CountDownLatch(1);

		final Histogram latency = Results.histogram();

		volatile long measureFrom = Long.MAX_VALUE;

		volatile long received;

		private volatile boolean stopping;

		Reader(String bootstrap, TopicPartition partition) {
			Properties config = new Properties();
			config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
			config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-e2e-consumer");
			this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
			this.partition = partition;
		}

		@Override
		public void run() {
			try (this.consumer) {
				this.consumer.assign(List.of(this.partition));
				this.consumer.seekToEnd(List.of(this.partition));
				this.consumer.position(this.partition); // looks the end up now, before anything is sent
				this.positioned.countDown();
				while (!this.stopping) {
					ConsumerRecords<byte[], byte[]> records = this.consumer.poll(Duration.ofSeconds(1));
					long now = OpenLoop.now();
					for (ConsumerRecord<byte[], byte[]> record : records) {
						long due = OpenLoop.due(record.value());
						if (due >= this.measureFrom) {
							Results.record(this.latency, now - due);
						}
					}
					this.received += records.count();
				}
			}
			catch (WakeupException ex) {
				// stop() ends the poll it interrupts
			}
		}

		void stop() throws InterruptedException {
			this.stopping = true;
			this.consumer.wakeup();
			this.thread.join(10_000);
		}

	}

	private KafkaEndToEnd() {
	}

}
