package io.caudal.log;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.caudal.log.BatchScan.ScanResult;
import io.caudal.log.RecordBatches.BatchHeader;
import io.caudal.log.TimeIndex.TimestampOffset;

/**
 * One segment of a partition: the record batches of a contiguous range of offsets starting at its base offset, and
 * their two sparse indexes.
 * <p>
 * On disk: {@code <base offset>.log} is a plain sequence of Kafka v2 record batches with no header of our own, so
 * Kafka's tools can read it; {@code .index} is the {@link OffsetIndex} and {@code .timeindex} the
 * {@link TimeIndex}.
 * <p>
 * Files are opened through {@link OpenFiles} when a read or write needs them, so a segment at rest holds no file
 * descriptor.
 * <p>
 * Threading: one writer thread (the partition's) appends, flushes, rolls back and {@link #publish() publishes}.
 * Readers of any thread take no lock: they read with positional reads up to the size of the last publication and
 * see the indexes as of that publication, so they never see a batch that is partly written or not yet fsynced.
 * Readers hold a reference ({@link #retain()}/{@link #release()}) so that a segment deleted by retention is closed
 * only after its last reader is done.
 */
final class LogSegment {

	private static final Logger log = LoggerFactory.getLogger(LogSegment.class);

	private static final int MIN_READ_WINDOW_BYTES = 8 * 1024;

	private static final int MAX_READ_WINDOW_BYTES = 1024 * 1024;

	/** Room for the batches between the offset index entry a read starts at and the offset it wants. */
	private static final int INDEX_SLACK_BYTES = 4096;

	private final String logName;

	private final long baseOffset;

	private final OpenFiles files;

	private final Path dir;

	private final Path file;

	private final PooledFile data;

	private final OffsetIndex offsetIndex;

	private final TimeIndex timeIndex;

	private final AtomicInteger references = new AtomicInteger(1);

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile boolean deleteWhenReleased;

	// The writer's state, ahead of the published one while a write is in progress.
	private int size;

	private long nextOffset;

	private long maxTimestamp = -1;

	private long offsetOfMaxTimestamp = -1;

	private int bytesSinceLastIndexEntry;

	private volatile State published;

	/**
	 * What readers may see of the segment.
	 *
	 * @param size bytes of whole, published batches
	 * @param nextOffset one past the last published offset
	 * @param maxTimestamp the largest published timestamp, or -1 if the segment is empty
	 * @param offsetOfMaxTimestamp the last offset of the batch holding it
	 * @param bytesSinceLastIndexEntry the writer's counter, restored on rollback
	 */
	private record State(int size, long nextOffset, long maxTimestamp, long offsetOfMaxTimestamp,
			int bytesSinceLastIndexEntry) {
	}

	private LogSegment(OpenFiles files, String logName, Path dir, long baseOffset, OffsetIndex offsetIndex,
			TimeIndex timeIndex, int size) {
		this.files = files;
		this.logName = logName;
		this.dir = dir;
		this.baseOffset = baseOffset;
		this.file = LogFiles.logFile(dir, baseOffset);
		this.data = files.readWrite(this.file);
		this.offsetIndex = offsetIndex;
		this.timeIndex = timeIndex;
		this.size = size;
		this.nextOffset = baseOffset;
		publish();
	}

	/**
	 * Creates an empty segment, replacing files of the same name.
	 * @param maxIndexBytes the most bytes each index may hold ({@code segment.index.bytes})
	 */
	static LogSegment create(OpenFiles files, Path dir, long baseOffset, String logName, int maxIndexBytes)
			throws IOException {
		OffsetIndex offsetIndex = OffsetIndex.create(logName, files, LogFiles.indexFile(dir, baseOffset), baseOffset,
				maxIndexBytes);
		TimeIndex timeIndex = TimeIndex.create(logName, files, LogFiles.timeIndexFile(dir, baseOffset), baseOffset,
				maxIndexBytes);
		LogSegment segment = new LogSegment(files, logName, dir, baseOffset, offsetIndex, timeIndex, 0);
		segment.data.truncate(0);
		return segment;
	}

	/**
	 * Describes an existing segment, opening no file. It is not usable until {@link #load(int)} or
	 * {@link #recover(int)} has described its content.
	 * @param maxIndexBytes the most bytes each index may hold ({@code segment.index.bytes})
	 */
	static LogSegment open(OpenFiles files, Path dir, long baseOffset, String logName, int maxIndexBytes)
			throws IOException {
		Path file = LogFiles.logFile(dir, baseOffset);
		long size = files.fileSystem().size(file);
		if (size > Integer.MAX_VALUE) {
			throw new IOException(logName + " - Segment " + file + " is " + size + " bytes; a segment holds at most 2 GiB.");
		}
		OffsetIndex offsetIndex = OffsetIndex.open(logName, files, LogFiles.indexFile(dir, baseOffset), baseOffset,
				maxIndexBytes);
		TimeIndex timeIndex = TimeIndex.open(logName, files, LogFiles.timeIndexFile(dir, baseOffset), baseOffset,
				maxIndexBytes);
		return new LogSegment(files, logName, dir, baseOffset, offsetIndex, timeIndex, (int) size);
	}

	long baseOffset() {
		return this.baseOffset;
	}

	Path file() {
		return this.file;
	}

	/** Published size in bytes (any thread). */
	int sizeInBytes() {
		return this.published.size();
	}

	/** One past the last published offset (any thread). */
	long nextOffset() {
		return this.published.nextOffset();
	}

	/** The largest published record timestamp, or -1 if the segment is empty (any thread). */
	long maxTimestamp() {
		return this.published.maxTimestamp();
	}

	/** The writer's size in bytes, published or not. */
	int pendingSizeInBytes() {
		return this.size;
	}

	/** Whether an index could run out of room at the next write, so the segment must roll first (writer thread). */
	boolean indexesFull() {
		return this.offsetIndex.isFull() || this.timeIndex.isFull();
	}

	/**
	 * Describes a segment known to have been fsynced (cleanly closed, or rolled before the recovery point) without
	 * reading it all: trusts the indexes if they pass their checks, and reads only the batch headers after the
	 * last offset index entry. Rebuilds the indexes from the whole segment (with a WARN) if they fail their checks.
	 * @return false if a batch fails its checks: everything after it is unreadable, and the caller decides whether
	 * to {@link #recover(int) truncate}
	 */
	boolean load(int indexIntervalBytes) throws IOException {
		String problem = this.offsetIndex.problem(this.size);
		if (problem == null) {
			problem = loadTail();
		}
		if (problem == null) {
			problem = this.timeIndex.problem(this.nextOffset);
		}
		boolean intact = true;
		if (problem != null) {
			log.warn("{} - Rebuilding the indexes of {} from the log: {}.", this.logName, this.file, problem);
			ScanResult scan = rebuildIndexes(indexIntervalBytes);
			if (scan.problem() != null) {
				log.warn("{} - {} holds an invalid batch at position {} ({}); offsets from {} on cannot be read.",
						this.logName, this.file, scan.validBytes(), scan.problem(), this.nextOffset);
				intact = false;
			}
		}
		publish();
		return intact;
	}

	/**
	 * Recovers a segment that may not have been fsynced: reads every batch and checks its CRC, framing and offsets,
	 * rebuilds both indexes, and truncates the file at the first batch that fails (a torn tail), then fsyncs.
	 * @return the bytes cut off; more than 0 means the log ends in this segment
	 */
	long recover(int indexIntervalBytes) throws IOException {
		ScanResult scan = rebuildIndexes(indexIntervalBytes);
		long cut = this.size - scan.validBytes();
		if (scan.problem() != null) {
			log.warn("{} - Truncating {} at position {}, cutting {} bytes: {}.", this.logName, this.file,
					scan.validBytes(), cut, scan.problem());
			this.data.truncate(scan.validBytes());
			this.size = scan.validBytes();
		}
		flushAll();
		publish();
		return cut;
	}

	/**
	 * Writes a batch whose offsets are assigned at the end of the segment (writer thread). Readers see it after the
	 * next {@link #publish()}.
	 * @param batch the batch bytes from position to limit; unchanged
	 */
	void append(ByteBuffer batch, long lastOffset, long batchMaxTimestamp, int indexIntervalBytes)
			throws IOException {
		int position = this.size;
		int batchSize = batch.remaining();
		this.data.writeFully(batch.duplicate(), position);
		this.size = position + batchSize;
		track(lastOffset, batchMaxTimestamp, position, batchSize, indexIntervalBytes);
	}

	/** Fsyncs the batches written (writer thread). */
	void flush() throws IOException {
		this.data.force();
	}

	/**
	 * Prepares the segment to stop being the active one, or to be closed cleanly (writer thread): records its
	 * largest timestamp in the time index and fsyncs the log and both indexes.
	 */
	void onBecomeInactive() throws IOException {
		if (this.maxTimestamp >= 0) {
			this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
		}
		flushAll();
	}

	/** Makes everything written so far visible to readers (writer thread). */
	void publish() {
		this.offsetIndex.publish();
		this.timeIndex.publish();
		this.published = new State(this.size, this.nextOffset, this.maxTimestamp, this.offsetOfMaxTimestamp,
				this.bytesSinceLastIndexEntry);
	}

	/**
	 * Forgets everything written since the last publication (writer thread): truncates the log and the indexes
	 * back to the published state and fsyncs, so a failed write leaves nothing behind.
	 */
	void rollback() throws IOException {
		State state = this.published;
		this.size = state.size();
		this.nextOffset = state.nextOffset();
		this.maxTimestamp = state.maxTimestamp();
		this.offsetOfMaxTimestamp = state.offsetOfMaxTimestamp();
		this.bytesSinceLastIndexEntry = state.bytesSinceLastIndexEntry();
		this.offsetIndex.rollback();
		this.timeIndex.rollback();
		this.data.truncate(this.size);
		this.data.force();
	}

	/**
	 * Adds the published batches holding records from {@code fromOffset} on to {@code collector} until it is full
	 * (any thread). Checks the CRC of every batch it takes. Each read window is sized from the records and bytes the
	 * collector still wants and this segment's bytes per record, so that a read copies about what it returns.
	 * @throws CorruptRecordException if a batch fails its checks
	 */
	void read(long fromOffset, RecordCollector collector) throws IOException {
		State state = this.published;
		int position = this.offsetIndex.lookup(fromOffset);
		FileChannel channel = this.data.acquire();
		try {
			read(channel, state, position, fromOffset, collector);
		}
		finally {
			this.data.release();
		}
	}

	private void read(FileChannel channel, State state, int from, long fromOffset, RecordCollector collector)
			throws IOException {
		int limit = state.size();
		int position = from;
		long bytesPerRecord = Math.max(1, limit / Math.max(1, state.nextOffset() - this.baseOffset));
		// The first window also covers the batches between the index entry and the offset wanted.
		int[] slack = { INDEX_SLACK_BYTES };
		FileWindow reader = new FileWindow(channel, limit, () -> {
			long wanted = Math.min(collector.remainingRecords() * bytesPerRecord,
					collector.remainingBytes() + bytesPerRecord) + RecordBatches.HEADER_SIZE + slack[0];
			slack[0] = 0;
			return (int) Math.max(MIN_READ_WINDOW_BYTES, Math.min(wanted, MAX_READ_WINDOW_BYTES));
		}, true);
		while (position < limit && !collector.isFull()) {
			BatchHeader header = header(reader, position, limit);
			if (header.baseOffset() >= collector.endOffset()) {
				return;
			}
			if (header.lastOffset() >= fromOffset) {
				ByteBuffer batch = validBatch(reader, position, header);
				try {
					collector.offer(batch, reader.window());
				}
				catch (CorruptRecordException ex) {
					throw corrupt(position, ex);
				}
			}
			position += header.sizeInBytes();
		}
	}

	/**
	 * The first published offset from {@code fromOffset} on whose timestamp is at least {@code timestamp}, or -1
	 * (any thread). Starts after the last time index entry older than {@code timestamp} and reads batch headers
	 * from there: the batches between two time index entries when timestamps grow with offsets.
	 * @throws CorruptRecordException if the batch holding the answer fails its checks
	 */
	long offsetForTimestamp(long timestamp) throws IOException {
		State state = this.published;
		if (state.maxTimestamp() < timestamp) {
			return -1;
		}
		TimestampOffset before = this.timeIndex.lastBefore(timestamp);
		long fromOffset = (before != null) ? before.offset() + 1 : this.baseOffset;
		int from = this.offsetIndex.lookup(fromOffset);
		FileChannel channel = this.data.acquire();
		try {
			return offsetForTimestamp(channel, state, from, fromOffset, timestamp);
		}
		finally {
			this.data.release();
		}
	}

	private long offsetForTimestamp(FileChannel channel, State state, int from, long fromOffset, long timestamp)
			throws IOException {
		FileWindow reader = new FileWindow(channel, state.size(), () -> BatchScan.WINDOW_BYTES, false);
		int position = from;
		while (position < state.size()) {
			BatchHeader header = header(reader, position, state.size());
			if (header.lastOffset() >= fromOffset && header.maxTimestamp() >= timestamp) {
				RecordCursor records = new RecordCursor(List.of(validBatch(reader, position, header)), fromOffset,
						Long.MAX_VALUE);
				try {
					while (records.next()) {
						if (records.timestamp() >= timestamp) {
							return records.offset();
						}
					}
				}
				catch (CorruptRecordException ex) {
					throw corrupt(position, ex);
				}
			}
			position += header.sizeInBytes();
		}
		return -1;
	}

	/** Hands each published batch carrying a tag to {@code found}, in offset order, reading headers only (any thread). */
	void taggedBatches(Consumer<TaggedBatch> found) throws IOException {
		State state = this.published;
		FileChannel channel = this.data.acquire();
		try {
			FileWindow reader = new FileWindow(channel, state.size(), () -> BatchScan.WINDOW_BYTES, false);
			int position = 0;
			while (position < state.size()) {
				BatchHeader header = header(reader, position, state.size());
				if (header.tag() != null) {
					found.accept(new TaggedBatch(header.tag(), header.baseOffset(),
							(int) (header.lastOffset() - header.baseOffset() + 1)));
				}
				position += header.sizeInBytes();
			}
		}
		finally {
			this.data.release();
		}
	}

	/**
	 * Takes a reader's reference (any thread).
	 * @return false if the segment was closed or deleted: do not read it
	 */
	boolean retain() {
		while (true) {
			int count = this.references.get();
			// Once closed, no new reader: one that lost a race with retention must not start on a deleted segment.
			if (count == 0 || this.closed.get()) {
				return false;
			}
			if (this.references.compareAndSet(count, count + 1)) {
				return true;
			}
		}
	}

	/** Drops a reference taken by {@link #retain()}; the last one out closes the files. */
	void release() {
		if (this.references.decrementAndGet() == 0) {
			closeFiles();
		}
	}

	/** Closes the segment once its readers are done. Idempotent. */
	void close() {
		if (this.closed.compareAndSet(false, true)) {
			release();
		}
	}

	/** Closes the segment and deletes its files once its readers are done. */
	void closeAndDelete() {
		this.deleteWhenReleased = true;
		close();
	}

	/** Fsyncs the log and both indexes (writer thread). */
	private void flushAll() throws IOException {
		this.data.force();
		this.offsetIndex.flush();
		this.timeIndex.flush();
	}

	/**
	 * Records a batch just written or scanned at {@code position}: index entries every
	 * {@code indexIntervalBytes}, largest timestamp, next offset. The same rule whether appending or rebuilding,
	 * so a rebuilt index equals the one written.
	 */
	private void track(long lastOffset, long batchMaxTimestamp, int position, int batchSize, int indexIntervalBytes)
			throws IOException {
		if (batchMaxTimestamp > this.maxTimestamp) {
			this.maxTimestamp = batchMaxTimestamp;
			this.offsetOfMaxTimestamp = lastOffset;
		}
		if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
			this.offsetIndex.append(lastOffset, position);
			this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
			this.bytesSinceLastIndexEntry = 0;
		}
		this.bytesSinceLastIndexEntry += batchSize;
		this.nextOffset = lastOffset + 1;
	}

	/**
	 * Reads the batch headers after the last offset index entry to find the end offset and largest timestamp.
	 * @return why the tail or indexes cannot be trusted, or null
	 */
	private String loadTail() throws IOException {
		TimestampOffset lastTime = this.timeIndex.last();
		this.maxTimestamp = (lastTime != null) ? lastTime.timestamp() : -1;
		this.offsetOfMaxTimestamp = (lastTime != null) ? lastTime.offset() : -1;
		boolean indexed = this.offsetIndex.count() > 0;
		int from = this.offsetIndex.lastPosition();
		long indexedOffset = this.offsetIndex.lastOffset();
		this.nextOffset = this.baseOffset;
		this.bytesSinceLastIndexEntry = 0;
		ScanResult scan = scanBatches(from, false, (header, position) -> {
			if (position == from && indexed) {
				if (header.lastOffset() != indexedOffset) {
					return "the last offset index entry names offset " + indexedOffset + " but the batch at position "
							+ position + " ends at offset " + header.lastOffset();
				}
			}
			else if (header.baseOffset() != this.nextOffset) {
				return "the batch at position " + position + " starts at offset " + header.baseOffset()
						+ " instead of " + this.nextOffset;
			}
			if (header.maxTimestamp() > this.maxTimestamp) {
				this.maxTimestamp = header.maxTimestamp();
				this.offsetOfMaxTimestamp = header.lastOffset();
			}
			this.bytesSinceLastIndexEntry += header.sizeInBytes();
			this.nextOffset = header.lastOffset() + 1;
			return null;
		});
		return (scan.problem() != null) ? "after the last index entry, " + scan.problem() : null;
	}

	/**
	 * Empties both indexes and rebuilds them from every batch whose CRC, framing and offsets check out, stopping
	 * at the first that does not.
	 */
	private ScanResult rebuildIndexes(int indexIntervalBytes) throws IOException {
		this.offsetIndex.create();
		this.timeIndex.create();
		this.nextOffset = this.baseOffset;
		this.maxTimestamp = -1;
		this.offsetOfMaxTimestamp = -1;
		this.bytesSinceLastIndexEntry = 0;
		ScanResult scan = scanBatches(0, true, (header, position) -> {
			if (header.baseOffset() != this.nextOffset) {
				return "the batch starts at offset " + header.baseOffset() + " instead of " + this.nextOffset;
			}
			track(header.lastOffset(), header.maxTimestamp(), position, header.sizeInBytes(), indexIntervalBytes);
			return null;
		});
		if (this.maxTimestamp >= 0) {
			this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
		}
		return scan;
	}

	private ScanResult scanBatches(int from, boolean checkCrc, BatchScan.Visitor visitor) throws IOException {
		FileChannel channel = this.data.acquire();
		try {
			return BatchScan.scan(channel, from, this.size, checkCrc, visitor);
		}
		finally {
			this.data.release();
		}
	}

	private BatchHeader header(FileWindow reader, int position, int limit) throws IOException {
		if (limit - position < RecordBatches.HEADER_SIZE) {
			throw corrupt(position, new CorruptRecordException(
					"only " + (limit - position) + " bytes remain, too few for a batch", null));
		}
		BatchHeader header;
		try {
			header = RecordBatches.header(reader.slice(position, RecordBatches.HEADER_SIZE), 0);
		}
		catch (CorruptRecordException ex) {
			throw corrupt(position, ex);
		}
		if (header.sizeInBytes() > limit - position) {
			throw corrupt(position, new CorruptRecordException("the batch of " + header.sizeInBytes()
					+ " bytes runs past the end of the segment at " + limit, null));
		}
		return header;
	}

	private ByteBuffer validBatch(FileWindow reader, int position, BatchHeader header) throws IOException {
		ByteBuffer batch = reader.slice(position, header.sizeInBytes());
		try {
			RecordBatches.ensureValid(batch);
		}
		catch (CorruptRecordException ex) {
			throw corrupt(position, ex);
		}
		return batch;
	}

	private CorruptRecordException corrupt(int position, CorruptRecordException cause) {
		return new CorruptRecordException(this.logName + " - The batch at position " + position + " of " + this.file
				+ " is corrupt and is not served: " + cause.getMessage() + ".", cause);
	}

	private void closeFiles() {
		this.data.closeForGood();
		this.offsetIndex.closeForGood();
		this.timeIndex.closeForGood();
		if (this.deleteWhenReleased) {
			for (Path path : List.of(this.file, LogFiles.indexFile(this.dir, this.baseOffset),
					LogFiles.timeIndexFile(this.dir, this.baseOffset))) {
				try {
					this.files.fileSystem().deleteIfExists(path);
				}
				catch (IOException ex) {
					log.warn("{} - Deleting {} failed.", this.logName, path, ex);
				}
			}
		}
	}

	@Override
	public String toString() {
		return this.file.toString();
	}

}
