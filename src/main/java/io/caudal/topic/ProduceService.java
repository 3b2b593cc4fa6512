package io.caudal.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

	private final IdempotencyKeys keys;

	private final Partitioner partitioner = new Partitioner();

	public ProduceService(Storage storage, Time time, MeterRegistry meters, IdempotencyKeys keys) {
		this.storage = storage;
		this.time = time;
		this.meters = meters;
		this.keys = keys;
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
		return produce(topicName, records, null);
	}

	/**
	 * As {@link #produce(String, List)}, retry-safe with an {@code Idempotency-Key}: a retry of a request that
	 * stored its records answers the same positions and writes nothing; one of a request cut off part-way writes only
	 * the partitions' batches that are missing. A new key's unkeyed records all go to one partition picked by the
	 * key, so that a retry places them where the first try did.
	 * @param idempotency the request's key and body, or null
	 * @throws CaudalException also {@link ErrorCode#IDEMPOTENCY_KEY_IN_USE}, {@link ErrorCode#IDEMPOTENCY_KEY_REUSED}
	 * and {@link ErrorCode#RESOURCE_LIMIT} (see {@link IdempotencyKeys})
	 */
	public CompletableFuture<List<RecordPosition>> produce(String topicName, List<ProduceRecord> records,
			IdempotencyKeys.Request idempotency) {
		Topic topic = this.storage.topic(topicName);
		if (idempotency == null) {
			return produce(topic, records, null, null);
		}
		IdempotencyKeys.Entry entry = this.keys.begin(topicName, idempotency, topic.partitions());
		try {
			return produce(topic, records, idempotency, entry);
		}
		catch (RuntimeException ex) {
			this.keys.finish(topicName, idempotency.keyHash(), entry);
			throw ex;
		}
	}

	private CompletableFuture<List<RecordPosition>> produce(Topic topic, List<ProduceRecord> records,
			IdempotencyKeys.Request idempotency, IdempotencyKeys.Entry entry) {
		long startNanos = this.time.nanoseconds();
		String topicName = topic.name();
		int partitionCount = (entry != null) ? entry.partitionCount() : topic.partitions();
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
				partition = Partitioner.partitionForKey(record.key(), partitionCount);
			}
			else {
				if (unkeyedPartition < 0) {
					unkeyedPartition = (idempotency != null) ? (int) (idempotency.keyHash() % partitionCount)
							: this.partitioner.nextUnkeyedPartition(partitionCount);
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
		Map<Integer, Long> storedBefore = (entry != null) ? storedBefore(entry, batches) : Map.of();
		batches.keySet().removeAll(storedBefore.keySet());
		if (entry != null && !batches.isEmpty()) {
			this.keys.writing(topicName, idempotency.keyHash(), entry, batches.keySet());
		}
		Map<Integer, CompletableFuture<long[]>> appended = batches.isEmpty() ? Map.of()
				: this.storage.append(topicName, batches, (entry != null)
						? new IdempotencyMark(idempotency.keyHash(), entry.partitionCount(), idempotency.bodyHash())
						: null);
		int writtenRecords = batches.values().stream().mapToInt(List::size).sum();
		long totalBytes = bytes;
		return CompletableFuture.allOf(appended.values().toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
			if (entry != null) {
				appended.forEach((partition, stored) -> {
					if (!stored.isCompletedExceptionally()) {
						// Kept as first offset and count: a retry answers from them, right unless another node's
						// records came between this batch's (Kafka only; see the README).
						this.keys.stored(entry, partition, stored.join()[0], batches.get(partition).size());
					}
				});
				this.keys.finish(topicName, idempotency.keyHash(), entry);
			}
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				throw (cause instanceof CaudalException caudal) ? caudal : new CompletionException(cause);
			}
			Map<Integer, long[]> offsets = new LinkedHashMap<>();
			appended.forEach((partition, result) -> offsets.put(partition, result.join()));
			List<RecordPosition> positions = positions(partitionOf, timestampOf, offsets, storedBefore);
			if (!storedBefore.isEmpty()) {
				positions = withStoredTimestamps(topicName, positions, storedBefore.keySet());
			}
			if (writtenRecords > 0) {
				TopicMeters.produced(this.meters, topicName, writtenRecords, totalBytes,
						this.time.nanoseconds() - startNanos);
			}
			return positions;
		});
	}

	/**
	 * The base offsets of the batches an earlier try of this request stored, checked against the batches this one
	 * would write: the same body places the same number of records in each partition.
	 */
	private static Map<Integer, Long> storedBefore(IdempotencyKeys.Entry entry, Map<Integer, List<NewRecord>> batches) {
		Map<Integer, Long> stored = new LinkedHashMap<>();
		batches.forEach((partition, batch) -> {
			long[] baseAndCount = entry.stored(partition);
			if (baseAndCount != null) {
				if (baseAndCount[1] != batch.size()) {
					throw IdempotencyKeys.reused();
				}
				stored.put(partition, baseAndCount[0]);
			}
		});
		return stored;
	}

	/**
	 * Each record's position: the offset its partition's write gave it, in request order, or for a batch an earlier
	 * try stored, counted up from that batch's first offset.
	 */
	private static List<RecordPosition> positions(int[] partitionOf, long[] timestampOf, Map<Integer, long[]> written,
			Map<Integer, Long> storedBefore) {
		Map<Integer, Integer> nextIndex = new HashMap<>();
		List<RecordPosition> positions = new ArrayList<>(partitionOf.length);
		for (int i = 0; i < partitionOf.length; i++) {
			int partition = partitionOf[i];
			int index = nextIndex.merge(partition, 1, Integer::sum) - 1;
			long[] offsets = written.get(partition);
			long offset = (offsets != null) ? offsets[index] : storedBefore.get(partition) + index;
			positions.add(new RecordPosition(partition, offset, timestampOf[i]));
		}
		return positions;
	}

	/**
	 * The positions, with the timestamps stored by an earlier try in {@code partitions}: a record without a timestamp
	 * got the time of the try that stored it. Records deleted by retention meanwhile keep this try's.
	 */
	private List<RecordPosition> withStoredTimestamps(String topic, List<RecordPosition> positions,
			Set<Integer> partitions) {
		Map<Integer, Map<Long, Long>> stored = new HashMap<>();
		for (int partition : partitions) {
			List<RecordPosition> ofPartition = positions.stream().filter(p -> p.partition() == partition).toList();
			long from = ofPartition.get(0).offset();
			try {
				RecordCursor cursor = this.storage
					.read(new TopicPartition(topic, partition), from, ofPartition.size(), Integer.MAX_VALUE)
					.cursor();
				Map<Long, Long> timestamps = stored.computeIfAbsent(partition, p -> new HashMap<>());
				while (cursor.next()) {
					timestamps.put(cursor.offset(), cursor.timestamp());
				}
			}
			catch (CaudalException ex) {
				// Deleted by retention, or unreadable now: this try's timestamps stand.
			}
		}
		List<RecordPosition> answered = new ArrayList<>(positions.size());
		for (RecordPosition position : positions) {
			Long timestamp = stored.getOrDefault(position.partition(), Map.of()).get(position.offset());
			answered.add((timestamp != null) ? new RecordPosition(position.partition(), position.offset(), timestamp)
					: position);
		}
		return answered;
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
