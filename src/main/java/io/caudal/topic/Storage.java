package io.caudal.topic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * Where topics and their records live: the one seam between Caudal and a storage engine. The file engine
 * ({@link FileStorage}, the default) keeps partitions in local segment files; another engine may keep them in an
 * Apache Kafka cluster. Nothing above {@code topic/} sees an engine: every read, write and wait goes through this
 * interface, by way of {@link TopicService}, {@link ProduceService} and {@link FetchService}.
 * <p>
 * Failures are the contract's: {@link CaudalException} with {@link ErrorCode#TOPIC_NOT_FOUND},
 * {@link ErrorCode#PARTITION_NOT_FOUND}, {@link ErrorCode#TOPIC_EXISTS}, {@link ErrorCode#OFFSET_OUT_OF_RANGE}
 * (with {@code startOffset} and {@code endOffset}) or {@link ErrorCode#STORAGE_ERROR}; an engine's own exceptions
 * and messages (which may name files) never travel above it. Arguments were validated by the caller (names, counts,
 * configs, record sizes).
 * <p>
 * Implementations are thread-safe; reads never wait for writes.
 */
public interface Storage extends AutoCloseable {

	/** Loads what the storage holds; called once, before anything else. */
	void open();

	/**
	 * The replication factor a new topic gets.
	 * @param requested what the client asked for; null for the engine's default
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} when this engine cannot keep that many copies
	 */
	int replicationFactor(Integer requested);

	/** Every topic, sorted by name. */
	List<Topic> topics();

	/** @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND} */
	Topic topic(String name);

	/**
	 * Creates a topic with empty partitions.
	 * @throws CaudalException {@link ErrorCode#TOPIC_EXISTS}, {@link ErrorCode#STORAGE_ERROR}
	 */
	void createTopic(Topic topic);

	/**
	 * Applies a topic's new settings and adds the partitions it gained (never fewer than now).
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#STORAGE_ERROR}
	 */
	void updateTopic(Topic topic);

	/**
	 * Deletes a topic and every record it holds.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#STORAGE_ERROR}
	 */
	void deleteTopic(String name);

	/**
	 * Appends one batch to each of several partitions of a topic, with offsets in list order. Every batch
	 * is checked and given room before the first is written, so a refusal writes nothing. Each future completes once
	 * its batch is as durable as the topic's settings ask (for the file engine: fsynced when {@code flush.ms} is 0);
	 * only then can readers see it. A future completes exceptionally with {@link CaudalException}
	 * {@link ErrorCode#STORAGE_ERROR} when nothing of its batch was stored; the batches of the other partitions may
	 * have been stored all the same.
	 * @param batches per partition, one or more records, each within the topic's {@code max.message.bytes}
	 * @return per partition, the offset given to each record, in list order: contiguous on the file engine; on a
	 * Kafka cluster another node's records may come between two of them
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#PARTITION_NOT_FOUND},
	 * {@link ErrorCode#RECORD_TOO_LARGE} when the topic's limit shrank since the caller checked, or
	 * {@link ErrorCode#STORAGE_ERROR} when a partition cannot take a batch now; nothing is written then
	 */
	default Map<Integer, CompletableFuture<long[]>> append(String topic, Map<Integer, List<NewRecord>> batches) {
		return append(topic, batches, null);
	}

	/**
	 * As {@link #append(String, Map)}, with every batch carrying {@code mark}, stored with its records: found again
	 * by {@link #markedBatches} exactly when the records are.
	 * @param mark null for none
	 */
	Map<Integer, CompletableFuture<long[]>> append(String topic, Map<Integer, List<NewRecord>> batches,
			IdempotencyMark mark);

	/**
	 * The batches carrying a mark in one partition, in offset order, among those stored since
	 * {@code storedSinceMs} (and perhaps some before).
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#PARTITION_NOT_FOUND} or
	 * {@link ErrorCode#STORAGE_ERROR}
	 */
	List<MarkedBatch> markedBatches(TopicPartition partition, long storedSinceMs);

	/**
	 * Reads records from {@code offset} on, at once.
	 * @param offset within {@code [startOffset, endOffset]}; at the end offset the answer is empty
	 * @param maxRecords at least 1
	 * @param maxBytes at least 1, counted as {@link PartitionRecords#sizeInBytes()}; one record is returned when
	 * one is available, even if it alone is larger
	 * @throws CaudalException {@link ErrorCode#OFFSET_OUT_OF_RANGE}, {@link ErrorCode#TOPIC_NOT_FOUND},
	 * {@link ErrorCode#PARTITION_NOT_FOUND}, {@link ErrorCode#STORAGE_ERROR}
	 */
	PartitionRecords read(TopicPartition partition, long offset, int maxRecords, int maxBytes);

	/**
	 * Runs {@code onAvailable} once, as soon as the record at {@code offset} exists (the end offset is above it): at
	 * once on the calling thread if it already does, else on a thread of the engine's, so it must be quick and never
	 * block. A deleted partition never runs it. Holds no thread while waiting.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#PARTITION_NOT_FOUND}
	 */
	PartitionWait awaitRecordsAfter(TopicPartition partition, long offset, Runnable onAvailable);

	/**
	 * The partition's start and end offsets and size now.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#PARTITION_NOT_FOUND}
	 */
	PartitionState state(TopicPartition partition);

	/**
	 * The first offset whose record timestamp is at or after {@code timestampMs}, or the end offset.
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#PARTITION_NOT_FOUND},
	 * {@link ErrorCode#STORAGE_ERROR}
	 */
	long offsetForTimestamp(TopicPartition partition, long timestampMs);

	/** Closes the storage cleanly, so that the next start needs no recovery. */
	@Override
	void close();

}
