package io.caudal.log;

import io.caudal.time.Time;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.caudal.log.LogSegment.RecordCollector;

/**
 * A partition stored in a local directory of segments: the file-backed {@link Log}.
 * <p>
 * On disk: the directory holds the segments ({@code <base offset>.log}, {@code .index}, {@code .timeindex}, named
 * as Kafka names them; see {@link LogSegment}), a {@code recovery-point} file (base offset of the first segment
 * not known to be fsynced, rewritten at each roll) and, only while cleanly closed, a {@code clean-shutdown}
 * marker. On open without the marker, the segments from the recovery point on are scanned batch by batch; the
 * first batch that fails its CRC, framing or offset checks ends the log there.
 * <p>
 * Threading: appends are built and checked on the caller's thread and queued; everything that changes the files
 * (writes, fsyncs, rolls, repairs after a failure, retention, close) runs on the one {@link LogWriter} thread the
 * partition is pinned to, so the write path takes no lock. The writer publishes the new end offset only after
 * the batches are written (and fsynced when {@code flushMs} is 0); readers take no lock and read up to the
 * published end with positional reads. All public methods are thread-safe.
 */
public final class PartitionLog implements Log {

	private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

	private final Path dir;

	private final String name;

	private final Time time;

	private final ChannelFactory channels;

	private final LogWriter.Lane lane;

	private final ConcurrentSkipListMap<Long, LogSegment> segments;

	private final ConcurrentLinkedQueue<PendingAppend> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean closing = new AtomicBoolean();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private volatile LogConfig config;

	private volatile long logStartOffset;

	private volatile long logEndOffset;

	private volatile boolean closeStarted;

	// Writer thread only, from here on.
	private final List<LogSegment> dirty = new ArrayList<>();

	private LogSegment active;

	private long nextOffset;

	private IOException failure;

	private boolean shutDown;

	private ScheduledFuture<?> scheduledFlush;

	private PartitionLog(Path dir, String name, LogConfig config, Time time, LogWriter writer,
			ChannelFactory channels, ConcurrentSkipListMap<Long, LogSegment> segments) {
		this.dir = dir;
		this.name = name;
		this.config = config;
		this.time = time;
		this.channels = channels;
		this.lane = writer.laneFor(name);
		this.segments = segments;
		this.active = segments.lastEntry().getValue();
		this.nextOffset = this.active.nextOffset();
		this.logStartOffset = segments.firstKey();
		this.logEndOffset = this.nextOffset;
	}

	/**
	 * Opens the partition in {@code dir}, creating it if needed. After a clean close this reads only the index
	 * files and the batch headers after each segment's last index entry; otherwise it recovers the segments from
	 * the recovery point on (see the class description). Indexes that are missing or fail their checks are
	 * rebuilt from the log.
	 * @param dir the partition directory, e.g. {@code <data-dir>/orders-2}
	 * @param name the partition's name for log messages, e.g. {@code orders-2}
	 * @param config the settings
	 * @param time the clock
	 * @param writer the writer pool; the partition is pinned to one of its threads
	 * @throws IOException if the directory or a file cannot be read or written
	 */
	public static PartitionLog open(Path dir, String name, LogConfig config, Time time, LogWriter writer)
			throws IOException {
		return open(dir, name, config, time, writer, ChannelFactory.DEFAULT);
	}

	static PartitionLog open(Path dir, String name, LogConfig config, Time time, LogWriter writer,
			ChannelFactory channels) throws IOException {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(writer, "writer");
		long startNanos = time.nanoseconds();
		Files.createDirectories(dir);
		Path cleanShutdown = LogFiles.cleanShutdownFile(dir);
		boolean clean = Files.exists(cleanShutdown);
		TreeSet<Long> bases = segmentBases(dir, name);
		long recoverFrom = clean ? Long.MAX_VALUE
				: Math.min(recoveryPoint(dir, name), bases.isEmpty() ? 0 : bases.last());
		ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
		long bytesCut = 0;
		try {
			long previousEnd = -1;
			for (long base : bases) {
				if (base >= recoverFrom && previousEnd >= 0 && base != previousEnd) {
					log.warn("{} - Segment {} starts at offset {} but the log before it ends at offset {}; the log "
							+ "ends there.", name, LogFiles.logFile(dir, base), base, previousEnd);
					deleteSegmentsFrom(dir, name, bases.tailSet(base, true));
					break;
				}
				LogSegment segment = LogSegment.open(dir, base, name, channels);
				segments.put(base, segment);
				long cut = 0;
				boolean intact = true;
				if (base >= recoverFrom) {
					cut = segment.recover(config.indexIntervalBytes());
				}
				else if (!segment.load(config.indexIntervalBytes())) {
					intact = false;
					if (base == bases.last()) {
						cut = segment.recover(config.indexIntervalBytes());
					}
				}
				if (cut > 0) {
					bytesCut += cut;
					deleteSegmentsFrom(dir, name, bases.tailSet(base, false));
					break;
				}
				// A segment with an unreadable batch in the middle has no known end to check the next one against.
				previousEnd = intact ? segment.nextOffset() : -1;
			}
			if (segments.isEmpty()) {
				segments.put(0L, LogSegment.create(dir, 0, name, channels));
			}
			if (clean) {
				Files.delete(cleanShutdown);
			}
			else {
				LogFiles.writeAtomically(LogFiles.recoveryPointFile(dir), Long.toString(segments.lastKey()),
						channels);
			}
			LogFiles.fsyncDirectory(dir, channels);
		}
		catch (IOException | RuntimeException ex) {
			segments.values().forEach(LogSegment::close);
			throw ex;
		}
		PartitionLog partition = new PartitionLog(dir, name, config, time, writer, channels, segments);
		long elapsedMs = (time.nanoseconds() - startNanos) / 1_000_000;
		if (clean) {
			log.info("{} - Opened {} segments holding offsets [{}, {}), {} bytes, after a clean shutdown, in {} ms.",
					name, segments.size(), partition.logStartOffset, partition.logEndOffset, partition.sizeInBytes(),
					elapsedMs);
		}
		else {
			log.info("{} - Opened {} segments holding offsets [{}, {}), {} bytes, recovering from offset {} and "
					+ "cutting {} bytes, in {} ms.", name, segments.size(), partition.logStartOffset,
					partition.logEndOffset, partition.sizeInBytes(), Math.min(recoverFrom, segments.lastKey()),
					bytesCut, elapsedMs);
		}
		return partition;
	}

	@Override
	public CompletableFuture<AppendResult> append(List<LogRecord> records) {
		if (records.isEmpty()) {
			throw new IllegalArgumentException(this.name + " - An append needs at least one record.");
		}
		int maxMessageBytes = this.config.maxMessageBytes();
		for (int i = 0; i < records.size(); i++) {
			int recordBytes = LogRecord.sizeInBytes(records.get(i));
			if (recordBytes > maxMessageBytes) {
				throw new RecordTooLargeException(this.name, i, recordBytes, maxMessageBytes);
			}
		}
		if (this.closeStarted) {
			return CompletableFuture.failedFuture(closedException());
		}
		RecordBatches.Batch batch = RecordBatches.build(records);
		int permits;
		try {
			permits = this.lane.reserve(batch.sizeInBytes());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(new LogStorageException(
					this.name + " - Interrupted while waiting for room in the writer queue; nothing was written.", ex));
		}
		if (permits < 0) {
			return CompletableFuture.failedFuture(new LogStorageException(this.name + " - The writer queue stayed "
					+ "full (" + this.lane.describeBound() + "): the disk is not keeping up; nothing was written.",
					null));
		}
		PendingAppend append = new PendingAppend(batch, permits, new CompletableFuture<>());
		this.pending.add(append);
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.lane.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.drainScheduled.set(false);
				failPending(new LogStorageException(this.name + " - The log writer is closed; nothing was written.",
						ex));
			}
		}
		return append.future();
	}

	@Override
	public FetchResult read(long offset, int maxRecords, int maxBytes) {
		if (maxRecords < 1 || maxBytes < 1) {
			throw new IllegalArgumentException(this.name + " - A read needs maxRecords and maxBytes of at least 1; got "
					+ maxRecords + " and " + maxBytes + ".");
		}
		long end = this.logEndOffset;
		long start = this.logStartOffset;
		if (offset < start || offset > end) {
			throw new OffsetOutOfRangeException(this.name, offset, start, end);
		}
		if (offset == end) {
			return new FetchResult(List.of(), end, start, end);
		}
		RecordCollector collector = new RecordCollector(maxRecords, maxBytes, end);
		Map.Entry<Long, LogSegment> entry = this.segments.floorEntry(offset);
		if (entry == null) {
			throw segmentGone(offset);
		}
		while (entry != null && entry.getKey() < end && !collector.isFull()) {
			LogSegment segment = entry.getValue();
			if (!segment.retain()) {
				if (collector.records().isEmpty()) {
					throw segmentGone(offset);
				}
				break;
			}
			try {
				segment.read(offset, collector);
			}
			catch (CorruptRecordException ex) {
				log.warn("{} - A read from offset {} met a corrupt batch: {}", this.name, offset, ex.getMessage());
				if (collector.records().isEmpty()) {
					throw ex;
				}
				// Serve what came before it; the next read, starting at the corrupt batch, fails.
				break;
			}
			catch (IOException ex) {
				throw new LogStorageException(this.name + " - Reading " + segment.file() + " failed.", ex);
			}
			finally {
				segment.release();
			}
			entry = this.segments.higherEntry(entry.getKey());
		}
		List<StoredRecord> records = collector.records();
		long next = records.isEmpty() ? offset : records.get(records.size() - 1).offset() + 1;
		return new FetchResult(records, next, this.logStartOffset, end);
	}

	@Override
	public long offsetForTimestamp(long timestampMs) {
		long end = this.logEndOffset;
		for (LogSegment segment : this.segments.values()) {
			if (segment.baseOffset() >= end) {
				break;
			}
			if (segment.maxTimestamp() < timestampMs) {
				continue;
			}
			if (!segment.retain()) {
				if (this.closeStarted) {
					throw new LogStorageException(this.name + " - The log is closed.", null);
				}
				continue;
			}
			try {
				long offset = segment.offsetForTimestamp(timestampMs);
				if (offset >= 0) {
					return Math.min(offset, end);
				}
			}
			catch (IOException ex) {
				throw new LogStorageException(this.name + " - Reading " + segment.file() + " failed.", ex);
			}
			finally {
				segment.release();
			}
		}
		return end;
	}

	@Override
	public long logStartOffset() {
		return this.logStartOffset;
	}

	@Override
	public long logEndOffset() {
		return this.logEndOffset;
	}

	@Override
	public long sizeInBytes() {
		long bytes = 0;
		for (LogSegment segment : this.segments.values()) {
			bytes += segment.sizeInBytes();
		}
		return bytes;
	}

	@Override
	public AppendWaiter awaitRecordsAfter(long offset, Runnable onAvailable) {
		Waiter waiter = new Waiter(offset, Objects.requireNonNull(onAvailable, "onAvailable"));
		if (this.logEndOffset > offset) {
			waiter.fire();
			return waiter;
		}
		this.waiters.add(waiter);
		// The writer may have published between the check above and the registration.
		if (this.logEndOffset > offset) {
			waiter.fire();
		}
		return waiter;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Runs on the writer thread and waits for it. Skipped while the partition refuses writes after a failure it
	 * cannot repair.
	 */
	@Override
	public int deleteExpiredSegments(long nowMs) {
		if (this.closeStarted) {
			return 0;
		}
		return onWriter(() -> deleteExpiredSegmentsOnWriter(nowMs));
	}

	@Override
	public void updateConfig(LogConfig config) {
		this.config = Objects.requireNonNull(config, "config");
	}

	@Override
	public void close() {
		if (!this.closing.compareAndSet(false, true)) {
			// Another caller is closing: return once the log is closed, as for the first caller.
			if (!this.lane.isCurrentThread()) {
				this.closed.join();
			}
			return;
		}
		this.closeStarted = true;
		try {
			onWriter(() -> {
				closeOnWriter();
				return null;
			});
		}
		finally {
			this.closed.complete(null);
		}
	}

	/**
	 * {@inheritDoc}
	 * @throws LogStorageException if a file cannot be deleted
	 */
	@Override
	public void deleteFiles() {
		close();
		try (Stream<Path> paths = Files.walk(this.dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (NoSuchFileException ex) {
			log.debug("{} - The directory {} was already gone.", this.name, this.dir);
		}
		catch (IOException ex) {
			throw new LogStorageException(this.name + " - Deleting " + this.dir + " failed.", ex);
		}
		log.info("{} - Deleted the partition directory {}.", this.name, this.dir);
	}

	@Override
	public String toString() {
		return "PartitionLog[" + this.name + ", offsets [" + this.logStartOffset + ", " + this.logEndOffset + ")]";
	}

	private void drain() {
		this.drainScheduled.set(false);
		writePending();
	}

	/** Group commit: writes everything queued, fsyncs once, publishes, completes (writer thread). */
	private void writePending() {
		List<PendingAppend> work = new ArrayList<>();
		for (PendingAppend append = this.pending.poll(); append != null; append = this.pending.poll()) {
			work.add(append);
		}
		if (work.isEmpty()) {
			return;
		}
		try {
			write(work);
		}
		catch (Throwable ex) {
			// A bug, not an I/O failure; still, never leave a caller waiting, and repair before the next write.
			this.failure = new IOException("unexpected failure while writing", ex);
			log.error("{} - Writing {} batches failed unexpectedly; the partition refuses writes until it can write "
					+ "again.", this.name, work.size(), ex);
			fail(work, new LogStorageException(this.name + " - Writing failed unexpectedly; nothing was written.", ex));
		}
		finally {
			for (PendingAppend append : work) {
				this.lane.release(append.permits());
			}
		}
	}

	private void write(List<PendingAppend> work) {
		if (this.shutDown) {
			fail(work, closedException());
			return;
		}
		if (this.failure != null && !repair()) {
			fail(work, new LogStorageException(this.name + " - The partition refuses writes: an earlier write failed ("
					+ this.failure.getMessage() + ") and truncating back to the last good position fails too; "
					+ "nothing was written.", this.failure));
			return;
		}
		LogConfig config = this.config;
		long startNanos = this.time.nanoseconds();
		long[] baseOffsets = new long[work.size()];
		long bytes = 0;
		try {
			for (int i = 0; i < work.size(); i++) {
				RecordBatches.Batch batch = work.get(i).batch();
				long lastOffset = this.nextOffset + batch.recordCount() - 1;
				if (shouldRoll(batch.sizeInBytes(), lastOffset, config)) {
					roll();
				}
				RecordBatches.assignOffsets(batch.buffer(), this.nextOffset);
				markDirty(this.active);
				this.active.append(batch.buffer(), lastOffset, batch.maxTimestamp(), config.indexIntervalBytes());
				baseOffsets[i] = this.nextOffset;
				this.nextOffset = lastOffset + 1;
				bytes += batch.sizeInBytes();
			}
			if (config.flushMs() == 0) {
				this.active.flush();
			}
			else {
				scheduleFlush(config.flushMs());
			}
		}
		catch (IOException ex) {
			this.failure = ex;
			log.error("{} - Writing {} batches to {} failed; none of them is visible, and the partition refuses writes "
					+ "until it can write again.", this.name, work.size(), this.active.file(), ex);
			fail(work, new LogStorageException(this.name + " - Writing to " + this.active.file().getFileName()
					+ " failed (" + ex.getMessage() + "); nothing was written.", ex));
			return;
		}
		publish();
		if (log.isTraceEnabled()) {
			log.trace("{} - Wrote {} batches, {} bytes, up to offset {} in {} us.", this.name, work.size(), bytes,
					this.nextOffset - 1, (this.time.nanoseconds() - startNanos) / 1000);
		}
		for (int i = 0; i < work.size(); i++) {
			PendingAppend append = work.get(i);
			append.future()
				.complete(new AppendResult(baseOffsets[i], baseOffsets[i] + append.batch().recordCount() - 1));
		}
		long end = this.logEndOffset;
		for (Waiter waiter : this.waiters) {
			if (waiter.offset < end) {
				waiter.fire();
			}
		}
	}

	private boolean shouldRoll(int batchBytes, long lastOffset, LogConfig config) {
		int size = this.active.pendingSizeInBytes();
		// Index entries hold offsets relative to the base offset in 32 bits.
		return size > 0 && ((long) size + batchBytes > config.segmentBytes()
				|| lastOffset - this.active.baseOffset() > Integer.MAX_VALUE);
	}

	/** Starts a new active segment at the next offset, fsyncing the old one first (writer thread). */
	private void roll() throws IOException {
		long startNanos = this.time.nanoseconds();
		LogSegment previous = this.active;
		markDirty(previous);
		previous.onBecomeInactive();
		LogSegment next = LogSegment.create(this.dir, this.nextOffset, this.name, this.channels);
		this.segments.put(this.nextOffset, next);
		this.active = next;
		markDirty(next);
		LogFiles.writeAtomically(LogFiles.recoveryPointFile(this.dir), Long.toString(this.nextOffset),
				this.channels);
		log.info("{} - Rolled to a new segment at offset {} after {} bytes in {}, in {} ms.", this.name,
				this.nextOffset, previous.pendingSizeInBytes(), previous.file().getFileName(),
				(this.time.nanoseconds() - startNanos) / 1_000_000);
	}

	private void markDirty(LogSegment segment) {
		if (!this.dirty.contains(segment)) {
			this.dirty.add(segment);
		}
	}

	/** Makes the written batches visible: segments first, then the end offset readers start from. */
	private void publish() {
		for (LogSegment segment : this.dirty) {
			segment.publish();
		}
		this.dirty.clear();
		this.logEndOffset = this.nextOffset;
	}

	/**
	 * After a failed write or fsync: drops the segments the failed write created, truncates the others back to
	 * what was published, and fsyncs (writer thread). Nothing unpublished survives, so offsets go on from the
	 * published end.
	 * @return whether the partition can take writes again
	 */
	private boolean repair() {
		try {
			long end = this.logEndOffset;
			for (LogSegment created : new ArrayList<>(this.segments.tailMap(end, false).values())) {
				this.segments.remove(created.baseOffset());
				this.dirty.remove(created);
				created.closeAndDelete();
			}
			for (LogSegment segment : this.dirty) {
				segment.rollback();
			}
			this.dirty.clear();
			this.active = this.segments.lastEntry().getValue();
			this.active.rollback();
			this.nextOffset = end;
			log.info("{} - Writes work again after the failure ({}); {} is back at offset {}.", this.name,
					this.failure.getMessage(), this.active.file().getFileName(), end);
			this.failure = null;
			return true;
		}
		catch (IOException ex) {
			log.debug("{} - Truncating back to offset {} failed; still refusing writes.", this.name,
					this.logEndOffset, ex);
			this.failure = ex;
			return false;
		}
	}

	private void scheduleFlush(long flushMs) {
		if (this.scheduledFlush != null) {
			return;
		}
		try {
			this.scheduledFlush = this.lane.schedule(this::scheduledFlush, flushMs);
		}
		catch (RejectedExecutionException ex) {
			// The writer is shutting down and will run no timer: fsync now.
			scheduledFlush();
		}
	}

	private void scheduledFlush() {
		this.scheduledFlush = null;
		if (this.shutDown || this.failure != null) {
			return;
		}
		try {
			this.active.flush();
		}
		catch (IOException ex) {
			this.failure = ex;
			log.error("{} - Fsync of {} failed; the partition refuses writes until it can write again.", this.name,
					this.active.file(), ex);
		}
		catch (RuntimeException ex) {
			log.error("{} - The scheduled fsync of {} failed unexpectedly.", this.name, this.active.file(), ex);
		}
	}

	private int deleteExpiredSegmentsOnWriter(long nowMs) {
		if (this.shutDown || (this.failure != null && !repair())) {
			return 0;
		}
		LogConfig config = this.config;
		if (config.retentionMs() >= 0 && this.active.sizeInBytes() > 0
				&& this.segments.values().stream().allMatch(segment -> isExpired(segment, nowMs, config))) {
			// Everything is expired, the active segment too: roll so it can go, leaving one empty segment.
			try {
				roll();
				publish();
			}
			catch (IOException ex) {
				this.failure = ex;
				log.error("{} - Rolling for retention failed; the partition refuses writes until it can write again.",
						this.name, ex);
				return 0;
			}
		}
		List<LogSegment> expired = new ArrayList<>();
		long remainingBytes = sizeInBytes();
		for (LogSegment segment : this.segments.values()) {
			boolean tooLarge = config.retentionBytes() >= 0 && remainingBytes > config.retentionBytes();
			if (segment == this.active || !(tooLarge || isExpired(segment, nowMs, config))) {
				break;
			}
			expired.add(segment);
			remainingBytes -= segment.sizeInBytes();
		}
		if (expired.isEmpty()) {
			return 0;
		}
		long firstKept = this.segments.higherKey(expired.get(expired.size() - 1).baseOffset());
		// Move the start first: a reader racing with the deletion then gets OffsetOutOfRangeException.
		this.logStartOffset = firstKept;
		for (LogSegment segment : expired) {
			this.segments.remove(segment.baseOffset());
			segment.closeAndDelete();
		}
		log.info("{} - Retention deleted {} segments holding offsets [{}, {}); the log now starts at offset {} and "
				+ "holds {} bytes.", this.name, expired.size(), expired.get(0).baseOffset(), firstKept, firstKept,
				remainingBytes);
		return expired.size();
	}

	private static boolean isExpired(LogSegment segment, long nowMs, LogConfig config) {
		return config.retentionMs() >= 0 && nowMs - segment.maxTimestamp() > config.retentionMs();
	}

	private void closeOnWriter() {
		writePending();
		this.shutDown = true;
		if (this.scheduledFlush != null) {
			this.scheduledFlush.cancel(false);
			this.scheduledFlush = null;
		}
		// Without this, recovery would find the unacknowledged batches of a failed write whole, and keep them.
		boolean clean = this.failure == null || repair();
		if (clean) {
			try {
				this.active.onBecomeInactive();
				LogFiles.writeAtomically(LogFiles.cleanShutdownFile(this.dir), "", this.channels);
			}
			catch (IOException ex) {
				clean = false;
				log.error("{} - Fsync on close failed; the next open will recover the log.", this.name, ex);
			}
		}
		else {
			log.warn("{} - Closing after a failed write ({}) that could not be undone; the next open will recover the "
					+ "log, and may find batches that were never acknowledged.", this.name, this.failure.getMessage());
		}
		this.segments.values().forEach(LogSegment::close);
		failPending(closedException());
		if (clean) {
			log.info("{} - Closed cleanly at offset {}.", this.name, this.logEndOffset);
		}
	}

	/**
	 * Runs a task on the writer thread and waits for it, so it never races with a write. If the writer pool is
	 * closed, no writer thread is left, and the task runs on the caller's thread.
	 */
	private <T> T onWriter(Supplier<T> task) {
		if (this.lane.isCurrentThread()) {
			return task.get();
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			this.lane.execute(() -> {
				try {
					result.complete(task.get());
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.lane.awaitTermination();
			return task.get();
		}
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	private void failPending(LogStorageException exception) {
		for (PendingAppend append = this.pending.poll(); append != null; append = this.pending.poll()) {
			this.lane.release(append.permits());
			append.future().completeExceptionally(exception);
		}
	}

	private static void fail(List<PendingAppend> work, LogStorageException exception) {
		for (PendingAppend append : work) {
			append.future().completeExceptionally(exception);
		}
	}

	private LogStorageException closedException() {
		return new LogStorageException(this.name + " - The log is closed; nothing was written.", null);
	}

	private RuntimeException segmentGone(long offset) {
		if (this.closeStarted) {
			return new LogStorageException(this.name + " - The log is closed.", null);
		}
		return new OffsetOutOfRangeException(this.name, offset, this.logStartOffset, this.logEndOffset);
	}

	/** The base offsets of the segments in {@code dir}; deletes leftover temporary files and orphan indexes. */
	private static TreeSet<Long> segmentBases(Path dir, String name) throws IOException {
		TreeSet<Long> bases = new TreeSet<>();
		List<Path> indexes = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
			for (Path file : files) {
				String fileName = file.getFileName().toString();
				OptionalLong base = LogFiles.baseOffset(file, LogFiles.LOG_SUFFIX);
				if (base.isPresent()) {
					bases.add(base.getAsLong());
				}
				else if (fileName.endsWith(LogFiles.TEMP_SUFFIX)) {
					Files.delete(file);
				}
				else if (LogFiles.baseOffset(file, LogFiles.INDEX_SUFFIX).isPresent()
						|| LogFiles.baseOffset(file, LogFiles.TIME_INDEX_SUFFIX).isPresent()) {
					indexes.add(file);
				}
			}
		}
		for (Path index : indexes) {
			String suffix = index.toString().endsWith(LogFiles.INDEX_SUFFIX) ? LogFiles.INDEX_SUFFIX
					: LogFiles.TIME_INDEX_SUFFIX;
			if (!bases.contains(LogFiles.baseOffset(index, suffix).getAsLong())) {
				log.warn("{} - Deleting {}: its segment's log file is missing.", name, index);
				Files.delete(index);
			}
		}
		return bases;
	}

	/** The recovery point from its file; 0 (recover everything) if it is missing or unreadable. */
	private static long recoveryPoint(Path dir, String name) throws IOException {
		Path file = LogFiles.recoveryPointFile(dir);
		if (!Files.exists(file)) {
			return 0;
		}
		String content = Files.readString(file).trim();
		try {
			return Long.parseLong(content);
		}
		catch (NumberFormatException ex) {
			log.warn("{} - {} holds '{}', not an offset; recovering every segment.", name, file, content);
			return 0;
		}
	}

	private static void deleteSegmentsFrom(Path dir, String name, Set<Long> bases) throws IOException {
		for (long base : bases) {
			log.warn("{} - Deleting segment {}: the log ends before it.", name, LogFiles.logFile(dir, base));
			Files.deleteIfExists(LogFiles.logFile(dir, base));
			Files.deleteIfExists(LogFiles.indexFile(dir, base));
			Files.deleteIfExists(LogFiles.timeIndexFile(dir, base));
		}
	}

	/**
	 * An append waiting for the writer.
	 *
	 * @param batch the built batch, offsets not yet assigned
	 * @param permits the queue room it holds
	 * @param future completed by the writer
	 */
	private record PendingAppend(RecordBatches.Batch batch, int permits, CompletableFuture<AppendResult> future) {
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
					log.warn("{} - A waiter for offset {} failed in its callback.", PartitionLog.this.name, this.offset,
							ex);
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
