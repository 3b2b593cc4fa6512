package io.caudal.topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.AppendResult;
import io.caudal.log.Log;
import io.caudal.log.LogRecord;
import io.caudal.log.LogStorageException;
import io.caudal.log.RecordTooLargeException;
import io.caudal.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces records: checks the whole request, picks each record's partition, appends one batch
 * per partition and answers when every batch is durable.
 */
public class ProduceService {

	private static final Logger logger = LoggerFactory.getLogger(ProduceService.class);

	private final TopicRegistry topics;

	private final Time time;

	private final MeterRegistry meters;

	private final Partitioner partitioner = new Partitioner();

	public ProduceService(TopicRegistry topics, Time time, MeterRegistry meters) {
		this.topics = topics;
		this.time = time;
		this.meters = meters;
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
		Topic topic = this.topics.topic(topicName);
		int maxMessageBytes = topic.config().logConfig().maxMessageBytes();
		long now = this.time.milliseconds();
		int[] partitionOf = new int[records.size()];
		long[] timestampOf = new long[records.size()];
		Map<Integer, List<LogRecord>> batches = new LinkedHashMap<>();
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
			if (timestamp < 0) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST,
						"Record " + i + " has timestamp " + timestamp + "; timestamps are epoch milliseconds, 0 or more.");
			}
			LogRecord logRecord = new LogRecord(record.key(), record.value(), record.headers(), timestamp);
			int size = LogRecord.sizeInBytes(logRecord);
			if (size > maxMessageBytes) {
				throw new CaudalException(ErrorCode.RECORD_TOO_LARGE, "Record " + i + " is " + size
						+ " bytes (key, value and headers); topic '" + topicName + "' accepts at most " + maxMessageBytes
						+ " (max.message.bytes).", Map.of("index", i, "maxMessageBytes", maxMessageBytes));
			}
			bytes += size;
			partitionOf[i] = partition;
			timestampOf[i] = timestamp;
			batches.computeIfAbsent(partition, p -> new ArrayList<>()).add(logRecord);
		}
		// Every log is looked up before the first append, so a topic deleted meanwhile writes nothing.
		Map<Integer, Log> logs = new LinkedHashMap<>();
		batches.keySet().forEach(partition -> logs.put(partition, this.topics.log(topicName, partition)));
		Map<Integer, CompletableFuture<AppendResult>> appended = new LinkedHashMap<>();
		batches.forEach((partition, batch) -> appended.put(partition, append(topicName, logs.get(partition), batch)));
		long totalBytes = bytes;
		return CompletableFuture.allOf(appended.values().toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
			if (failure != null) {
				throw storageError(topicName, failure);
			}
			List<RecordPosition> positions = positions(partitionOf, timestampOf, appended);
			recordMetrics(topicName, records.size(), totalBytes, startNanos);
			return positions;
		});
	}

	/**
	 * Appends one batch. The size check above read the topic's settings a moment ago; a change of
	 * {@code max.message.bytes} since then is caught here by the log itself.
	 */
	private static CompletableFuture<AppendResult> append(String topic, Log log, List<LogRecord> batch) {
		try {
			return log.append(batch);
		}
		catch (RecordTooLargeException ex) {
			throw new CaudalException(ErrorCode.RECORD_TOO_LARGE, "A record is " + ex.recordBytes()
					+ " bytes; topic '" + topic + "' now accepts at most " + ex.maxMessageBytes()
					+ " (max.message.bytes).", Map.of("maxMessageBytes", ex.maxMessageBytes()));
		}
	}

	private static List<RecordPosition> positions(int[] partitionOf, long[] timestampOf,
			Map<Integer, CompletableFuture<AppendResult>> appended) {
		Map<Integer, Long> nextOffset = new LinkedHashMap<>();
		appended.forEach((partition, result) -> nextOffset.put(partition, result.join().baseOffset()));
		List<RecordPosition> positions = new ArrayList<>(partitionOf.length);
		for (int i = 0; i < partitionOf.length; i++) {
			long offset = nextOffset.merge(partitionOf[i], 1L, Long::sum) - 1;
			positions.add(new RecordPosition(partitionOf[i], offset, timestampOf[i]));
		}
		return positions;
	}

	private static int checkPartition(Topic topic, int partition) {
		if (partition < 0 || partition >= topic.partitions()) {
			throw new CaudalException(ErrorCode.PARTITION_NOT_FOUND, "Topic '" + topic.name() + "' has no partition "
					+ partition + "; its partitions are 0 to " + (topic.partitions() - 1) + ".");
		}
		return partition;
	}

	private static CaudalException storageError(String topic, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof CaudalException caudal) {
			return caudal;
		}
		if (cause instanceof LogStorageException) {
			logger.warn("{} - A produce failed to store its records.", topic, cause);
			return new CaudalException(ErrorCode.STORAGE_ERROR, "Topic '" + topic
					+ "' could not store the records: a write or fsync failed, or the disk is not keeping up. "
					+ "Nothing was acknowledged.");
		}
		throw new CompletionException(cause);
	}

	private void recordMetrics(String topic, int records, long bytes, long startNanos) {
		TopicMeters.produced(this.meters, topic, records, bytes, this.time.nanoseconds() - startNanos);
	}

}
