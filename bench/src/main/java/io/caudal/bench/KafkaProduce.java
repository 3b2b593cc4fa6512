package io.caudal.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's side of {@link Produce}, with the same records (unkeyed, values of exactly
 * {@code record-size} capital letters, the same {@code batch} of them over and over), the same
 * warm-up, measured window and record budget: {@code producers} threads, each with a KafkaProducer
 * of its own (one connection), calling {@code send()} as fast as the producer takes records.
 *
 * <p>Each producer has one request in flight carrying {@code batch} records, as each of Caudal's
 * does: {@code max.in.flight.requests.per.connection=1}; {@code batch.size} exactly the bytes of
 * {@code batch} such records, so that a batch leaves the moment it is full and never holds more;
 * and {@code buffer.memory} for two batches, the one in flight and the next, so that
 * {@code send()} waits once both are taken. The next batch fills while the previous one is in
 * flight and goes as soon as that one is acknowledged, as a Caudal producer's ready-made next
 * request does. {@code recordsPerRequest} in the result is the producers' own average, to check.
 *
 * <p>Latency is per batch, from its first {@code send()} to the acknowledgement of its last record
 * (one partition and one request in flight: records are acknowledged in order): Caudal's per
 * request, plus the wait behind the batch in flight. Only that last record has a callback, so the
 * client does no more per record than an application must; failures are the producer's own count.
 * Run with the broker's classpath.
 */
final class KafkaProduce {

	/** A v2 record batch's header. */
	private static final int BATCH_HEADER_BYTES = 61;

	/** The most a v2 record takes beyond its key, value and headers (Kafka's MAX_RECORD_OVERHEAD). */
	private static final int MAX_RECORD_OVERHEAD_BYTES = 21;

	static void run(Options options) throws Exception {
		String bootstrap = options.string("bootstrap");
		String topic = options.string("topic");
		int producers = options.integer("producers", 1);
		int batch = options.integer("batch", 1);
		int recordSize = options.integer("record-size", 100);
		long warmupMs = options.number("warmup-ms", 1000);
		long durationMs = options.number("duration-ms", 5000);
		AtomicLong budget = new AtomicLong(options.number("max-records", 100_000_000L));
		byte[][] values = new byte[batch][];
		for (int i = 0; i < batch; i++) {
			values[i] = Results.letters(recordSize, i).getBytes(StandardCharsets.US_ASCII);
		}

		// Made, and given the topic's metadata, before the clock starts: sixteen producers take
		// seconds to make in a cold JVM, which would eat the warm-up.
		List<KafkaProducer<byte[], byte[]>> clients = new ArrayList<>();
		for (int i = 0; i < producers; i++) {
			KafkaProducer<byte[], byte[]> producer = producer(bootstrap, "bench-producer-" + i, batch, recordSize);
			producer.partitionsFor(topic);
			clients.add(producer);
		}
		long startNanos = System.nanoTime();
		long measureFrom = startNanos + warmupMs * 1_000_000;
		long measureUntil = measureFrom + durationMs * 1_000_000;
		List<Worker> workers = new ArrayList<>();
		for (int i = 0; i < producers; i++) {
			Worker worker = new Worker(clients.get(i), topic, values, budget, measureFrom, measureUntil);
			worker.thread = new Thread(worker, "producer-" + i);
			workers.add(worker);
			worker.thread.start();
		}
		Histogram latency = Results.histogram();
		long records = 0;
		long errors = 0;
		double recordsPerRequest = 0;
		long lastAck = measureFrom;
		for (Worker worker : workers) {
			worker.thread.join(warmupMs + durationMs + 120_000);
			if (worker.thread.isAlive()) {
				throw new IllegalStateException(worker.thread.getName() + " did not finish in time.");
			}
			latency.add(worker.latency);
			records += worker.records;
			errors += worker.errors;
			recordsPerRequest += worker.recordsPerRequest / producers;
			lastAck = Math.max(lastAck, worker.lastAck);
		}
		double seconds = (lastAck - measureFrom) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", records);
		result.put("recordsPerRequest", String.format("%.1f", recordsPerRequest));
		result.put("errors", errors);
		result.put("seconds", String.format("%.3f", seconds));
		result.put("recordsPerSec", Results.fixed(records / seconds));
		result.put("mibPerSec", String.format("%.2f", records * (double) recordSize / seconds / (1 << 20)));
		result.putAll(Results.latencies(latency));
		Results.print(result);
		System.exit((records == 0 || errors > 0) ? 1 : 0);
	}

	private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String clientId, int batch, int recordSize) {
		int batchBytes = batchBytes(batch, recordSize);
		// The producer gives a new batch batch.size bytes, or the most its first record might take if
		// that is more, as it is for a batch of one record: buffer.memory holds two of those.
		int allocatedBytes = Math.max(batchBytes, BATCH_HEADER_BYTES + MAX_RECORD_OVERHEAD_BYTES + varintBytes(-1)
				+ varintBytes(recordSize) + recordSize + varintBytes(0));
		Properties config = new Properties();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
		config.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
		config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * allocatedBytes);
		// A batch leaves because it is full or the next one has begun, never because it waited: not
		// even Kafka 4's default of 5 ms.
		config.put(ProducerConfig.LINGER_MS_CONFIG, 1000);
		return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
	}

	/**
	 * The bytes of {@code count} records in one v2 batch, with no key, no headers, values of
	 * {@code valueBytes} and timestamps within 64 ms of the batch's first: the batch header, then per
	 * record its length, attributes, timestamp delta (one byte), offset delta, key length (null),
	 * value length, value and header count, the numbers as zigzag varints (Kafka's DefaultRecord).
	 * A producer stalled 64 ms in the middle of a batch closes it one record short.
	 */
	static int batchBytes(int count, int valueBytes) {
		int total = BATCH_HEADER_BYTES;
		for (int offsetDelta = 0; offsetDelta < count; offsetDelta++) {
			int body = 1 + 1 + varintBytes(offsetDelta) + varintBytes(-1) + varintBytes(valueBytes) + valueBytes
					+ varintBytes(0);
			total += varintBytes(body) + body;
		}
		return total;
	}

	private static int varintBytes(int value) {
		int zigzag = (value << 1) ^ (value >> 31);
		int bytes = 1;
		while ((zigzag >>>= 7) != 0) {
			bytes++;
		}
		return bytes;
	}

	/**
	 * One producer thread. The counts are written by the producer's I/O thread, which runs the
	 * send callbacks, and read once {@code close()} has joined it and this thread has ended.
	 */
	private static final class Worker implements Runnable {

		private final KafkaProducer<byte[], byte[]> producer;

		private final String topic;

		private final byte[][] values;

		private final AtomicLong budget;

		private final long measureFrom;

		private final long measureUntil;

		final Histogram latency = Results.histogram();

		Thread thread;

		long records;

		long lastAck;

		long errors;

		double recordsPerRequest;

		private volatile Exception failure;

		Worker(KafkaProducer<byte[], byte[]> producer, String topic, byte[][] values, AtomicLong budget,
				long measureFrom, long measureUntil) {
			this.producer = producer;
			this.topic = topic;
			this.values = values;
			this.budget = budget;
			this.measureFrom = measureFrom;
			this.measureUntil = measureUntil;
		}

		@Override
		public void run() {
			int last = this.values.length - 1;
			try (this.producer) {
				while (System.nanoTime() < this.measureUntil && this.budget.addAndGet(-this.values.length) >= 0
						&& this.failure == null) {
					long start = System.nanoTime();
					for (int i = 0; i < last; i++) {
						this.producer.send(new ProducerRecord<>(this.topic, this.values[i]));
					}
					this.producer.send(new ProducerRecord<>(this.topic, this.values[last]),
							(metadata, error) -> acked(start, error));
				}
				this.producer.flush();
				this.recordsPerRequest = metric("records-per-request-avg");
				this.errors = (long) metric("record-error-total");
			}
			if (this.failure != null) {
				System.err.println(this.thread.getName() + ": a batch failed: " + this.failure);
			}
		}

		private void acked(long start, Exception error) {
			long now = System.nanoTime();
			if (error != null) {
				this.failure = error;
			}
			else if (now >= this.measureFrom) {
				Results.record(this.latency, now - start);
				this.records += this.values.length;
				this.lastAck = now;
			}
		}

		private double metric(String name) {
			return this.producer.metrics()
				.entrySet()
				.stream()
				.filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name))
				.mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
				.findFirst()
				.orElse(Double.NaN);
		}

	}

	private KafkaProduce() {
	}

}
