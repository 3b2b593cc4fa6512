package io.caudal.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The segments of one partition and the offsets published to readers, in the manner of Kafka's {@code LocalLog}.
 * <p>
 * Threading: reads ({@link #read}, {@link #offsetForTimestamp}, the offsets and sizes) run on any thread without a
 * lock, against the end offset published by the last {@link #publish()}. Everything else changes the files and
 * runs on the partition's writer thread only, which is what serializes it: the active segment, the next offset to
 * assign, and the segments written since the last publication are that thread's alone.
 */
final class LocalLog {

	private static final Logger log = LoggerFactory.getLogger(LocalLog.class);

	private final Path dir;

	private final String name;

	private final OpenFiles files;

	private final ConcurrentSkipListMap<Long, LogSegment> segments;

	private volatile long logStartOffset;

	private volatile long logEndOffset;

	private volatile boolean closed;

	// Writer thread only, from here on.
	private final List<LogSegment> dirty = new ArrayList<>();

	private LogSegment active;

	private long nextOffset;

	/**
	 * @param segments the loaded segments, at least one; the last is active
	 */
	LocalLog(Path dir, String name, OpenFiles files, ConcurrentSkipListMap<Long, LogSegment> segments) {
		this.dir = dir;
		this.name = name;
		this.files = files;
		this.segments = segments;
		this.active = segments.lastEntry().getValue();
		this.nextOffset = this.active.nextOffset();
		this.logStartOffset = segments.firstKey();
		this.logEndOffset = this.nextOffset;
	}

	String name() {
		return this.name;
	}

	Path dir() {
		return this.dir;
	}

	long logStartOffset() {
		return this.logStartOffset;
	}

	long logEndOffset() {
		return this.logEndOffset;
	}

	/** The bytes of record batches held, over all segments (any thread). */
	long sizeInBytes() {
		long bytes = 0;
		for (LogSegment segment : this.segments.values()) {
			bytes += segment.sizeInBytes();
		}
		return bytes;
	}

	/** See {@link PartitionLog#read(long, int, int)}. */
	FetchResult read(long offset, int maxRecords, int maxBytes) {
		long end = this.logEndOffset;
		long start = this.logStartOffset;
		if (offset < start || offset > end) {
			throw new OffsetOutOfRangeException(this.name, offset, start, end);
		}
		if (offset == end) {
			return FetchResult.empty(end, start, end);
		}
		RecordCollector collector = new RecordCollector(maxRecords, maxBytes, offset, end);
		Map.Entry<Long, LogSegment> entry = this.segments.floorEntry(offset);
		if (entry == null) {
			throw segmentGone(offset);
		}
		while (entry != null && entry.getKey() < end && !collector.isFull()) {
			LogSegment segment = entry.getValue();
			if (!segment.retain()) {
				if (collector.isEmpty()) {
					throw segmentGone(offset);
				}
				break;
			}
			try {
				segment.read(offset, collector);
			}
			catch (CorruptRecordException ex) {
				log.warn("{} - A read from offset {} met a corrupt batch: {}", this.name, offset, ex.getMessage());
				if (collector.isEmpty()) {
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
		return collector.result(this.logStartOffset);
	}

	/** See {@link PartitionLog#taggedBatches(long)}. */
	List<TaggedBatch> taggedBatches(long modifiedSinceMs, LogFileSystem fileSystem) {
		List<TaggedBatch> tagged = new ArrayList<>();
		for (LogSegment segment : this.segments.values()) {
			if (!segment.retain()) {
				continue;
			}
			try {
				if (fileSystem.lastModifiedMs(segment.file()) >= modifiedSinceMs) {
					segment.taggedBatches(tagged::add);
				}
			}
			catch (IOException ex) {
				throw new LogStorageException(this.name + " - Reading " + segment.file() + " failed.", ex);
			}
			finally {
				segment.release();
			}
		}
		return tagged;
	}

	/** See {@link PartitionLog#offsetForTimestamp(long)}. */
	long offsetForTimestamp(long timestampMs) {
		long end = this.logEndOffset;
		for (LogSegment segment : this.segments.values()) {
			if (segment.baseOffset() >= end) {
				break;
			}
			if (segment.maxTimestamp() < timestampMs) {
				continue;
			}
			if (!segment.retain()) {
				if (this.closed) {
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

	/** Refuses new reads with {@link LogStorageException} rather than {@link OffsetOutOfRangeException}. */
	void markClosed() {
		this.closed = true;
	}

	/**
	 * Writes a built batch at the next offset, rolling first when it would not fit (writer thread). Readers see it
	 * after the next {@link #publish()}.
	 * @return the base offset given to the batch
	 */
	long append(RecordBatches.Batch batch, LogConfig config) throws IOException {
		long lastOffset = this.nextOffset + batch.recordCount() - 1;
		if (shouldRoll(batch.sizeInBytes(), lastOffset, config)) {
			roll(config);
		}
		long baseOffset = this.nextOffset;
		RecordBatches.assignOffsets(batch.buffer(), baseOffset);
		markDirty(this.active);
		this.active.append(batch.buffer(), lastOffset, batch.maxTimestamp(), config.indexIntervalBytes());
		this.nextOffset = lastOffset + 1;
		return baseOffset;
	}

	/** Fsyncs the batches written to the active segment (writer thread). */
	void flushActive() throws IOException {
		this.active.flush();
	}

	Path activeFile() {
		return this.active.file();
	}

	/** The offset the next appended batch gets (writer thread). */
	long nextOffset() {
		return this.nextOffset;
	}

	/** Starts a new active segment at the next offset, fsyncing the old one first (writer thread). */
	void roll(LogConfig config) throws IOException {
		LogSegment previous = this.active;
		markDirty(previous);
		previous.onBecomeInactive();
		LogSegment next = LogSegment.create(this.files, this.dir, this.nextOffset, this.name,
				config.segmentIndexBytes());
		this.segments.put(this.nextOffset, next);
		this.active = next;
		markDirty(next);
		// Also makes the new segment's files durable entries of the directory, before any record goes into them.
		LogFiles.writeAtomically(LogFiles.recoveryPointFile(this.dir), Long.toString(this.nextOffset),
				this.files.fileSystem());
		log.info("{} - Rolled to a new segment at offset {} after {} bytes in {}.", this.name, this.nextOffset,
				previous.pendingSizeInBytes(), previous.file().getFileName());
	}

	/** Makes the written batches visible: segments first, then the end offset readers start from (writer thread). */
	void publish() {
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
	 * @throws IOException if truncating or fsyncing fails; the partition must keep refusing writes
	 */
	void rollbackToPublished() throws IOException {
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
	}

	/** The segments oldest first, the active one last (any thread; a snapshot). */
	List<LogSegment> segments() {
		return List.copyOf(this.segments.values());
	}

	boolean isActive(LogSegment segment) {
		return segment == this.active;
	}

	/**
	 * Deletes the oldest segments, which must not include the active one (writer thread). Moves the start offset
	 * first, so a reader racing with the deletion gets {@link OffsetOutOfRangeException}; readers of a deleted
	 * segment finish their read before its files go.
	 * @return the new start offset
	 */
	long deleteOldest(List<LogSegment> expired) {
		long firstKept = this.segments.higherKey(expired.get(expired.size() - 1).baseOffset());
		this.logStartOffset = firstKept;
		for (LogSegment segment : expired) {
			this.segments.remove(segment.baseOffset());
			segment.closeAndDelete();
		}
		return firstKept;
	}

	/**
	 * Records the active segment's largest timestamp, fsyncs it and its indexes and writes the clean-shutdown
	 * marker, so the next open needs no recovery (writer thread).
	 */
	void markCleanlyClosed() throws IOException {
		this.active.onBecomeInactive();
		LogFiles.writeAtomically(LogFiles.cleanShutdownFile(this.dir), "", this.files.fileSystem());
	}

	/** Closes every segment once its readers are done (writer thread). */
	void closeSegments() {
		this.segments.values().forEach(LogSegment::close);
	}

	private boolean shouldRoll(int batchBytes, long lastOffset, LogConfig config) {
		int size = this.active.pendingSizeInBytes();
		// Index entries hold offsets relative to the base offset in 32 bits.
		return size > 0 && ((long) size + batchBytes > config.segmentBytes()
				|| lastOffset - this.active.baseOffset() > Integer.MAX_VALUE || this.active.indexesFull());
	}

	private void markDirty(LogSegment segment) {
		if (!this.dirty.contains(segment)) {
			this.dirty.add(segment);
		}
	}

	private RuntimeException segmentGone(long offset) {
		if (this.closed) {
			return new LogStorageException(this.name + " - The log is closed.", null);
		}
		return new OffsetOutOfRangeException(this.name, offset, this.logStartOffset, this.logEndOffset);
	}

	@Override
	public String toString() {
		return "LocalLog[" + this.name + ", offsets [" + this.logStartOffset + ", " + this.logEndOffset + ")]";
	}

}
