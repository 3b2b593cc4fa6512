package io.caudal.log;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One partition: an ordered, append-only sequence of records numbered by offset from {@link #logStartOffset()}
 * up to (excluding) {@link #logEndOffset()}.
 * <p>
 * This is the seam between Caudal and its storage: {@link PartitionLog} keeps the records in local segment
 * files; another implementation may keep them elsewhere (a Kafka cluster). All methods are thread-safe; reads never
 * wait for writes.
 */
public interface Log extends AutoCloseable {

	/**
	 * Appends the records as one batch with contiguous offsets, in list order.
	 * <p>
	 * The future completes once the batch is durable: fsynced when {@code flushMs} is 0 (concurrent appends share
	 * one fsync), written when {@code flushMs} is N &gt; 0 (fsynced within N ms). Only then can readers see the
	 * records. It completes exceptionally with {@link LogStorageException} if the log is closed, a write or
	 * fsync fails, or the writer's queue stays full; nothing of the batch is visible then. Callbacks chained on it
	 * without an executor run on the writer thread and must be quick.
	 * @param records one or more records
	 * @return the offsets given to the records
	 * @throws RecordTooLargeException if a record exceeds {@code maxMessageBytes}; nothing is written
	 * @throws IllegalArgumentException if {@code records} is empty
	 */
	CompletableFuture<AppendResult> append(List<LogRecord> records);

	/**
	 * Reads records from {@code offset} on.
	 * @param offset the first offset wanted, in {@code [logStartOffset, logEndOffset]}; at the end offset the answer
	 * is empty
	 * @param maxRecords the most records to return, at least 1
	 * @param maxBytes the most bytes to return, counted as {@link StoredRecord#sizeInBytes()}; at least one record
	 * is returned when one is available, even if it alone is larger
	 * @return the records from {@code offset} on (records before it in the same batch are skipped)
	 * @throws OffsetOutOfRangeException if {@code offset} is outside the log, or was deleted by retention during
	 * the read
	 * @throws CorruptRecordException if the first batch to return fails its CRC or framing checks
	 * @throws LogStorageException if the log is closed or the file cannot be read
	 * @throws IllegalArgumentException if {@code maxRecords} or {@code maxBytes} is below 1
	 */
	FetchResult read(long offset, int maxRecords, int maxBytes);

	/**
	 * The first offset whose record timestamp is at or after {@code timestampMs}, or {@link #logEndOffset()} if
	 * there is none. Picks the segment by its largest timestamp and the starting point by binary search in its time
	 * index, then reads batch headers from there: the batches between two index entries when timestamps grow with
	 * offsets, more when they go back in time for long stretches; never the whole partition.
	 * @param timestampMs epoch milliseconds
	 * @throws CorruptRecordException if the batch holding the answer fails its checks
	 * @throws LogStorageException if the log is closed or a file cannot be read
	 */
	long offsetForTimestamp(long timestampMs);

	/** The first offset held, moved up by retention. */
	long logStartOffset();

	/** The offset the next appended record will get; all offsets below it are readable. */
	long logEndOffset();

	/** The bytes of record batches held, over all segments. */
	long sizeInBytes();

	/**
	 * Registers a callback for a long poll: {@code onAvailable} runs once, as soon as {@link #logEndOffset()}
	 * exceeds {@code offset}. It runs immediately on the calling thread if that is already the case, otherwise on
	 * the writer thread right after the append that makes records available, so it must be quick and must not
	 * block. Closing the log does not run it.
	 * @param offset the offset the caller waits to read
	 * @param onAvailable the callback; exceptions it throws are logged and dropped
	 * @return the registration, to {@link AppendWaiter#cancel() cancel} when the poll times out
	 */
	AppendWaiter awaitRecordsAfter(long offset, Runnable onAvailable);

	/**
	 * Applies retention: deletes the oldest whole segments while their largest timestamp is more than
	 * {@code retentionMs} before {@code nowMs}, or while the log holds more than {@code retentionBytes}. The active
	 * segment is deleted for age only, after rolling a new empty one, so the log never runs out of segments.
	 * Moves {@link #logStartOffset()} to the first remaining offset. Readers of a deleted segment finish their
	 * read; later reads get {@link OffsetOutOfRangeException}.
	 * @param nowMs the current wall-clock time in epoch milliseconds
	 * @return the number of segments deleted
	 */
	int deleteExpiredSegments(long nowMs);

	/** Applies new settings to later appends, rolls, flushes and retention passes. */
	void updateConfig(LogConfig config);

	/**
	 * Writes what is queued, fsyncs everything and marks the log as cleanly closed, so the next open needs no
	 * recovery. Later appends fail with {@link LogStorageException}. Idempotent; never throws (failures are
	 * logged, and the log is then recovered on the next open).
	 */
	@Override
	void close();

	/**
	 * Closes the log and deletes its directory and everything in it.
	 * @throws LogStorageException if a file cannot be deleted
	 */
	void deleteFiles();

}
