package io.caudal.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.MarkedBatch;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.TopicPartition;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;

/**
 * A small pool of Kafka consumers that every read of this node borrows: assigned and positioned per read
 * ({@code assign}/{@code seek}, no Kafka group, {@code read_committed}), so a node holds a few consumers whatever the
 * number of clients and partitions. A read waits at most a moment for a free consumer. Thread-safe.
 */
final class KafkaReaders implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(50);

	private final BlockingQueue<Consumer<byte[], byte[]>> idle;

	private final List<Consumer<byte[], byte[]>> all;

	private final long timeoutMs;

	/** The first offset of each partition, as last seen: reads report it without asking Kafka each time. */
	private final Map<org.apache.kafka.common.TopicPartition, Long> startOffsets = new ConcurrentHashMap<>();

	/**
	 * @param consumers makes each pooled consumer
	 * @param size how many
	 * @param timeoutMs how long a read may wait for a consumer, then for Kafka, before it fails
	 */
	KafkaReaders(Supplier<Consumer<byte[], byte[]>> consumers, int size, long timeoutMs) {
		this.idle = new ArrayBlockingQueue<>(size);
		this.all = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			Consumer<byte[], byte[]> consumer = consumers.get();
			this.all.add(consumer);
			this.idle.add(consumer);
		}
		this.timeoutMs = timeoutMs;
	}

	/** Reads records from {@code offset} on, at once: what Kafka holds there now, or none at the end. */
	PartitionRecords read(TopicPartition partition, long offset, int maxRecords, int maxBytes) {
		org.apache.kafka.common.TopicPartition tp = kafka(partition);
		return withConsumer(partition, consumer -> {
			position(consumer, tp, offset);
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.timeoutMs);
			while (true) {
				List<ConsumerRecord<byte[], byte[]>> polled = poll(consumer, partition, tp);
				if (!polled.isEmpty()) {
					List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
					long keptBytes = 0;
					for (ConsumerRecord<byte[], byte[]> record : polled) {
						long bytes = KafkaRecords.sizeInBytes(record);
						if (kept.size() == maxRecords || (!kept.isEmpty() && keptBytes + bytes > maxBytes)) {
							break;
						}
						kept.add(record);
						keptBytes += bytes;
					}
					long next = kept.get(kept.size() - 1).offset() + 1;
					long end = consumer.position(tp) + consumer.currentLag(tp).orElse(0);
					return records(partition, tp, kept, keptBytes, offset, next, end);
				}
				OptionalLong lag = consumer.currentLag(tp);
				if (lag.isPresent() && lag.getAsLong() == 0) {
					long end = consumer.position(tp);
					return records(partition, tp, List.of(), 0, offset, Math.max(offset, end), end);
				}
				if (System.nanoTime() > deadline) {
					throw KafkaFailures.unavailable("reading partition " + partition);
				}
			}
		});
	}

	/**
	 * The batches carrying Caudal's idempotency header from {@code offset} to the partition's end, read once through.
	 */
	List<MarkedBatch> markedBatches(TopicPartition partition, long offset) {
		org.apache.kafka.common.TopicPartition tp = kafka(partition);
		return withConsumer(partition, consumer -> {
			long end = consumer.endOffsets(List.of(tp), Duration.ofMillis(this.timeoutMs)).get(tp);
			position(consumer, tp, offset);
			List<MarkedBatch> found = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.timeoutMs);
			while (consumer.position(tp) < end) {
				for (ConsumerRecord<byte[], byte[]> record : poll(consumer, partition, tp)) {
					IdempotencyHeader.read(record).ifPresent(found::add);
				}
				if (System.nanoTime() > deadline) {
					throw KafkaFailures.unavailable("reading the idempotency keys of partition " + partition);
				}
			}
			return found;
		});
	}

	/** The partition's first and next offsets now: {@code [start, end]}. */
	long[] bounds(TopicPartition partition) {
		org.apache.kafka.common.TopicPartition tp = kafka(partition);
		return withConsumer(partition, consumer -> bounds(consumer, tp));
	}

	private long[] bounds(Consumer<byte[], byte[]> consumer, org.apache.kafka.common.TopicPartition tp) {
		Duration timeout = Duration.ofMillis(this.timeoutMs);
		long start = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
		long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
		this.startOffsets.put(tp, start);
		return new long[] { start, end };
	}

	private void position(Consumer<byte[], byte[]> consumer, org.apache.kafka.common.TopicPartition tp, long offset) {
		consumer.assign(List.of(tp));
		consumer.seek(tp, offset);
	}

	private List<ConsumerRecord<byte[], byte[]>> poll(Consumer<byte[], byte[]> consumer, TopicPartition partition,
			org.apache.kafka.common.TopicPartition tp) {
		try {
			return consumer.poll(POLL).records(tp);
		}
		catch (OffsetOutOfRangeException ex) {
			long offset = ex.offsetOutOfRangePartitions().getOrDefault(tp, -1L);
			long[] bounds = bounds(consumer, tp);
			throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE, "Offset " + offset + " is outside partition "
					+ partition + ", which holds [" + bounds[0] + ", " + bounds[1] + "].",
					Map.of("startOffset", bounds[0], "endOffset", bounds[1]));
		}
	}

	private PartitionRecords records(TopicPartition partition, org.apache.kafka.common.TopicPartition tp,
			List<ConsumerRecord<byte[], byte[]>> records, long sizeInBytes, long from, long next, long end) {
		long start = Math.min(this.startOffsets.getOrDefault(tp, 0L), from);
		return new KafkaRecords(partition, records, sizeInBytes, from, next, start, end);
	}

	private <T> T withConsumer(TopicPartition partition, Function<Consumer<byte[], byte[]>, T> read) {
		Consumer<byte[], byte[]> consumer = borrow(partition);
		try {
			return read.apply(consumer);
		}
		catch (KafkaException ex) {
			throw KafkaFailures.translate(ex, "reading partition " + partition);
		}
		finally {
			this.idle.add(consumer);
		}
	}

	private Consumer<byte[], byte[]> borrow(TopicPartition partition) {
		try {
			Consumer<byte[], byte[]> consumer = this.idle.poll(this.timeoutMs, TimeUnit.MILLISECONDS);
			if (consumer == null) {
				throw new CaudalException(ErrorCode.STORAGE_ERROR, "Every Kafka reader of this node is busy; reading "
						+ "partition " + partition + " was given up. Retry shortly.");
			}
			return consumer;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw KafkaFailures.unavailable("reading partition " + partition);
		}
	}

	static org.apache.kafka.common.TopicPartition kafka(TopicPartition partition) {
		return new org.apache.kafka.common.TopicPartition(partition.topic(), partition.partition());
	}

	@Override
	public void close() {
		this.all.forEach(consumer -> consumer.close(Duration.ofSeconds(1)));
	}

}
