package io.caudal.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.caudal.time.Time;

/**
 * One partition stored in a local directory of segments: an ordered, append-only sequence of records numbered by
 * offset from {@link #logStartOffset()} up to (excluding) {@link #logEndOffset()}. The engine's public face; the
 * work is split as Kafka splits it: {@link LogLoader} opens and recovers, {@link LocalLog} holds the segments and
 * serves reads, {@link LogAppender} is the write path, {@link LogRetention} deletes old segments.
 * <p>
 * On disk: the directory holds the segments ({@code <base offset>.log}, {@code .index}, {@code .timeindex}, named
 * as Kafka names them; see {@link LogSegment}), a {@code recovery-point} file (base offset of the first segment
 * not known to be fsynced, rewritten at each roll) and, only while cleanly closed, a {@code clean-shutdown}
 * marker.
 * <p>
 * Threading: appends are built and checked on the caller's thread and queued; everything that changes the files
 * (writes, fsyncs, rolls, repairs after a failure, retention, close) runs on the one {@link LogWriter} thread the
 * partition is pinned to, so the write path takes no lock. Readers take no lock and read up to the published end
 * with positional reads; reads never wait for writes. All public methods are thread-safe.
 */
public final class PartitionLog implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

	private final LocalLog local;

	private final LogFileSystem fileSystem;

	private final LogAppender appender;

	private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean closing = new AtomicBoolean();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private PartitionLog(LocalLog local, LogConfig config, Time time, LogWriter writer, LogFileSystem fileSystem) {
		this.local = local;
		this.fileSystem = fileSystem;
		this.appender = new LogAppender(local, config, time, writer, this::wakeWaiters);
	}

	/**
	 * Opens the partition in {@code dir}, creating it if needed, and recovers it if it was not closed cleanly (see
	 * {@link LogLoader}).
	 * @param dir the partition directory, e.g. {@code <data-dir>/orders-2}
	 * @param name the partition's name for log messages, e.g. {@code orders-2}
	 * @param config the settings
	 * @param time the clock
	 * @param writer the writer pool; the partition is pinned to one of its threads
	 * @param files the engine's open files, shared by its partitions
	 * @throws IOException if the directory or a file cannot be read or written
	 */
	public static PartitionLog open(Path dir, String name, LogConfig config, Time time, LogWriter writer,
			OpenFiles files) throws IOException {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(writer, "writer");
		return new PartitionLog(LogLoader.load(dir, name, config, time, files), config, time, writer,
				files.fileSystem());
	}

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
	public CompletableFuture<AppendResult> append(List<LogRecord> records) {
		PreparedAppend prepared;
		try {
			prepared = this.appender.prepare(records, null);
		}
		catch (LogStorageException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return prepared.commit();
	}

	/**
	 * Builds and checks a batch and reserves room for it in the writer's queue, without queuing it: appends to
	 * several partitions can then be checked all before any is written.
	 * @param records one or more records
	 * @param tag stored in the batch's header and found again by {@link #taggedBatches}, or null
	 * @throws RecordTooLargeException if a record exceeds {@code maxMessageBytes}
	 * @throws LogStorageException if the log is closed or the writer's queue stays full
	 * @throws IllegalArgumentException if {@code records} is empty
	 */
	public PreparedAppend prepareAppend(List<LogRecord> records, BatchTag tag) {
		return this.appender.prepare(records, tag);
	}

	/**
	 * The published batches that carry a tag, in offset order, in the segments whose file was written at or after
	 * {@code modifiedSinceMs}: reads batch headers only.
	 * @throws LogStorageException if the log is closed or a file cannot be read
	 */
	public List<TaggedBatch> taggedBatches(long modifiedSinceMs) {
		return this.local.taggedBatches(modifiedSinceMs, this.fileSystem);
	}

	/**
	 * Reads records from {@code offset} on.
	 * @param offset the first offset wanted, in {@code [logStartOffset, logEndOffset]}; at the end offset the answer
	 * is empty
	 * @param maxRecords the most records to return, at least 1
	 * @param maxBytes the most bytes to return, counted as {@link RecordCursor#sizeInBytes()}; at least one record
	 * is returned when one is available, even if it alone is larger
	 * @return the batches holding the records from {@code offset} on, read once and walked with
	 * {@link FetchResult#cursor()}
	 * @throws OffsetOutOfRangeException if {@code offset} is outside the log, or was deleted by retention during
	 * the read
	 * @throws CorruptRecordException if the first batch to return fails its CRC or framing checks
	 * @throws LogStorageException if the log is closed or the file cannot be read
	 * @throws IllegalArgumentException if {@code maxRecords} or {@code maxBytes} is below 1
	 */
	public FetchResult read(long offset, int maxRecords, int maxBytes) {
		if (maxRecords < 1 || maxBytes < 1) {
			throw new IllegalArgumentException(this.local.name() + " - A read needs maxRecords and maxBytes of at "
					+ "least 1; got " + maxRecords + " and " + maxBytes + ".");
		}
		return this.local.read(offset, maxRecords, maxBytes);
	}

	/**
	 * The first offset whose record timestamp is at or after {@code timestampMs}, or {@link #logEndOffset()} if
	 * there is none. Picks the segment by its largest timestamp and the starting point by binary search in its time
	 * index, then reads batch headers from there: the batches between two index entries when timestamps grow with
	 * offsets, more when they go back in time for long stretches; never the whole partition.
	 * @param timestampMs epoch milliseconds
	 * @throws CorruptRecordException if the batch holding the answer fails its checks
	 * @throws LogStorageException if the log is closed or a file cannot be read
	 */
	public long offsetForTimestamp(long timestampMs) {
		return this.local.offsetForTimestamp(timestampMs);
	}

	/** The first offset held, moved up by retention. */
	public long logStartOffset() {
		return this.local.logStartOffset();
	}

	/** The offset the next appended record will get; all offsets below it are readable. */
	public long logEndOffset() {
		return this.local.logEndOffset();
	}

	/** The bytes of record batches held, over all segments. */
	public long sizeInBytes() {
		return this.local.sizeInBytes();
	}

	/**
	 * Registers a callback for a long poll: {@code onAvailable} runs once, as soon as {@link #logEndOffset()}
	 * exceeds {@code offset}. It runs immediately on the calling thread if that is already the case, otherwise on
	 * the writer thread right after the append that makes records available, so it must be quick and must not
	 * block. Closing the log does not run it.
	 * @param offset the offset the caller waits to read
	 * @param onAvailable the callback; exceptions it throws are logged and dropped
	 * @return the registration, to {@link AppendWaiter#cancel() cancel} when the poll times out
	 */
	public AppendWaiter awaitRecordsAfter(long offset, Runnable onAvailable) {
		Waiter waiter = new Waiter(offset, Objects.requireNonNull(onAvailable, "onAvailable"));
		if (this.local.logEndOffset() > offset) {
			waiter.fire();
			return waiter;
		}
		this.waiters.add(waiter);
		// The writer may have published between the check above and the registration.
		if (this.local.logEndOffset() > offset) {
			waiter.fire();
		}
		return waiter;
	}

	/**
	 * Applies retention: deletes the oldest whole segments while their largest timestamp is more than
	 * {@code retentionMs} before {@code nowMs}, or while the log holds more than {@code retentionBytes}. The active
	 * segment is deleted for age only, after rolling a new empty one, so the log never runs out of segments.
	 * Moves {@link #logStartOffset()} to the first remaining offset. Readers of a deleted segment finish their
	 * read; later reads get {@link OffsetOutOfRangeException}.
	 * @param nowMs the current wall-clock time in epoch milliseconds
	 * Runs on the writer thread and waits for it; skipped while the partition refuses writes after a failure it
	 * cannot repair.
	 * @return the number of segments deleted
	 */
	public int deleteExpiredSegments(long nowMs) {
		if (this.appender.closeStarted()) {
			return 0;
		}
		return this.appender.onWriter(
				() -> LogRetention.deleteExpiredSegments(this.local, this.appender, this.appender.config(), nowMs));
	}

	/** Applies new settings to later appends, rolls, flushes and retention passes. */
	public void updateConfig(LogConfig config) {
		this.appender.updateConfig(config);
	}

	/**
	 * Writes what is queued, fsyncs everything and marks the log as cleanly closed, so the next open needs no
	 * recovery. Later appends fail with {@link LogStorageException}. Idempotent; never throws (failures are
	 * logged, and the log is then recovered on the next open).
	 */
	@Override
	public void close() {
		if (!this.closing.compareAndSet(false, true)) {
			// Another caller is closing: return once the log is closed, as for the first caller.
			if (!this.appender.onWriterThread()) {
				this.closed.join();
			}
			return;
		}
		this.appender.startClose();
		this.local.markClosed();
		try {
			this.appender.onWriter(() -> {
				this.appender.closeOnWriter();
				return null;
			});
		}
		finally {
			this.closed.complete(null);
		}
	}

	/**
	 * Closes the log and deletes its directory and everything in it.
	 * @throws LogStorageException if a file cannot be deleted
	 */
	public void deleteFiles() {
		close();
		Path dir = this.local.dir();
		try {
			if (this.fileSystem.exists(dir)) {
				for (Path file : this.fileSystem.list(dir)) {
					this.fileSystem.deleteIfExists(file);
				}
				this.fileSystem.deleteIfExists(dir);
			}
		}
		catch (IOException ex) {
			throw new LogStorageException(this.local.name() + " - Deleting " + dir + " failed.", ex);
		}
		log.info("{} - Deleted the partition directory {}.", this.local.name(), dir);
	}

	@Override
	public String toString() {
		return "PartitionLog[" + this.local.name() + ", offsets [" + this.local.logStartOffset() + ", "
				+ this.local.logEndOffset() + ")]";
	}

	/** Runs the waiters whose offset the last publication passed (writer thread). */
	private void wakeWaiters() {
		long end = this.local.logEndOffset();
		for (Waiter waiter : this.waiters) {
			if (waiter.offset < end) {
				waiter.fire();
			}
		}
	}

	private final class Waiter implements AppendWaiter {

		private final long offset;

		private final Runnable onAvailable;

		private final AtomicBoolean done = new AtomicBoolean();

		Waiter(long offset, Runnable onAvailable) {
			this.offset = offset;
			this.onAvailable = onAvailable;
		}

		void fire() {
			if (this.done.compareAndSet(false, true)) {
				PartitionLog.this.waiters.remove(this);
				try {
					this.onAvailable.run();
				}
				catch (RuntimeException ex) {
					log.warn("{} - A waiter for offset {} failed in its callback.", PartitionLog.this.local.name(),
							this.offset, ex);
				}
			}
		}

		@Override
		public boolean cancel() {
			if (this.done.compareAndSet(false, true)) {
				PartitionLog.this.waiters.remove(this);
				return true;
			}
			return false;
		}

	}

}
