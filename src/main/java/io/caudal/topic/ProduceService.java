package io.caudal.topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.time.Time;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Produces records: checks the whole request, picks each record's partition, appends one batch
 * per partition and answers when every batch is durable.
 */
public class ProduceService {

	private final Storage storage;

	private final Time time;

	private final MeterRegistry meters;

	private final Partitioner partitioner = new Partitioner();

	public ProduceService(Storage storage, Time time, MeterRegistry meters) {
		this.storage = storage;
		this.time = time;
		this.meters = meters;
	}

	/**
	 * The most bytes one record of a topic may take, so that a reader can stop reading a larger one early.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}
	 */
	public int maxMessageBytes(String topicName) {
		return this.storage.topic(topicName).config().logConfig().maxMessageBytes();
	}

	/**
	 * Appends records to a topic. Nothing is written unless every record is valid.
	 * @param topicName the topic
	 * @param records the records in request order, at least one
	 * @return where each record was stored, in request order; completes exceptionally with a
	 * {@link CaudalException} ({@link ErrorCode#STORAGE_ERROR}) when a write or fsync failed
	 * @throws CaudalException for an unknown topic or partition, a bad timestamp or a record over
	 * the topic's {@code max.message.bytes}
	 */
	public CompletableFuture<List<RecordPosition>> produce(String topicName, List<ProduceRecord> records) {
		long startNanos = this.time.nanoseconds();
		Topic topic = this.storage.topic(topicName);
		int maxMessageBytes = topic.config().logConfig().maxMessageBytes();
		long now = this.time.milliseconds();
		int[] partitionOf = new int[records.size()];
		long[] timestampOf = new long[records.size()];
		Map<Integer, List<NewRecord>> batches = new LinkedHashMap<>();
		int unkeyedPartition = -1;
		long bytes = 0;
		for (int i = 0; i < records.size(); i++) {
			ProduceRecord record = records.get(i);
			int partition;
			if (record.partition() != null) {
				partition = checkPartition(topic, record.partition());
			}
			else if (record.key() != null) {
				partition = Partitioner.partitionForKey(record.key(), topic.partitions());
			}
			else {
				if (unkeyedPartition < 0) {
					unkeyedPartition = this.partitioner.nextUnkeyedPartition(topic.partitions());
				}
				partition = unkeyedPartition;
			}
			long timestamp = (record.timestamp() != null) ? record.timestamp() : now;
			checkTimestamp(topic, i, timestamp, now);
			NewRecord newRecord = new NewRecord(record.key(), record.value(), record.headers(), timestamp);
			int size = newRecord.sizeInBytes();
			if (size > maxMessageBytes) {
				throw new CaudalException(ErrorCode.RECORD_TOO_LARGE, "Record " + i + " is " + size
						+ " bytes (key, value and headers); topic '" + topicName + "' accepts at most " + maxMessageBytes
						+ " (max.message.bytes).", Map.of("index", i, "maxMessageBytes", maxMessageBytes));
			}
			bytes += size;
			partitionOf[i] = partition;
			timestampOf[i] = timestamp;
			batches.computeIfAbsent(partition, p -> new ArrayList<>()).add(newRecord);
		}
		Map<Integer, CompletableFuture<Long>> appended = this.storage.append(topicName, batches);
		long totalBytes = bytes;
		return CompletableFuture.allOf(appended.values().toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				throw (cause instanceof CaudalException caudal) ? caudal : new CompletionException(cause);
			}
			List<RecordPosition> positions = positions(partitionOf, timestampOf, appended);
			TopicMeters.produced(this.meters, topicName, records.size(), totalBytes,
					this.time.nanoseconds() - startNanos);
			return positions;
		});
	}

	private static List<RecordPosition> positions(int[] partitionOf, long[] timestampOf,
			Map<Integer, CompletableFuture<Long>> appended) {
		Map<Integer, Long> nextOffset = new LinkedHashMap<>();
		appended.forEach((partition, result) -> nextOffset.put(partition, result.join()));
		List<RecordPosition> positions = new ArrayList<>(partitionOf.length);
		for (int i = 0; i < partitionOf.length; i++) {
			long offset = nextOffset.merge(partitionOf[i], 1L, Long::sum) - 1;
			positions.add(new RecordPosition(partitionOf[i], offset, timestampOf[i]));
		}
		return positions;
	}

	/**
	 * Refuses a timestamp outside the topic's window around now, as Kafka does for create-time timestamps: one far in
	 * the future would keep its segment from ever expiring.
	 */
	private static void checkTimestamp(Topic topic, int index, long timestamp, long now) {
		TopicConfig config = topic.config();
		long before = config.timestampBeforeMaxMs();
		long after = config.timestampAfterMaxMs();
		boolean tooOld = timestamp < 0 || (now > before && timestamp < now - before);
		boolean tooNew = timestamp > now && timestamp - now > after;
		if (tooOld || tooNew) {
			throw new CaudalException(ErrorCode.INVALID_TIMESTAMP, "Record " + index + " has timestamp " + timestamp
					+ "; topic '" + topic.name() + "' accepts epoch milliseconds from " + Math.max(0, now - before)
					+ " to " + ((Long.MAX_VALUE - now < after) ? Long.MAX_VALUE : now + after) + " (now " + now
					+ ", message.timestamp.before.max.ms " + before + ", message.timestamp.after.max.ms " + after + ").",
					Map.of("index", index));
		}
	}

	private static int checkPartition(Topic topic, int partition) {
		if (partition < 0 || partition >= topic.partitions()) {
			throw new CaudalException(ErrorCode.PARTITION_NOT_FOUND, "Topic '" + topic.name() + "' has no partition "
					+ partition + "; its partitions are 0 to " + (topic.partitions() - 1) + ".");
		}
		return partition;
	}

}
