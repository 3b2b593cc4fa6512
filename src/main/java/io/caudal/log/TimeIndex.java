package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse time index of a segment ({@code .timeindex}): finds where records reach a timestamp without scanning
 * the segment.
 * <p>
 * File format, as Kafka's: 12-byte entries of {@code timestamp} (int64, epoch ms) and {@code relative offset}
 * (int32). An entry {@code (T, O)} says that the batch whose last offset is {@code O} has the largest timestamp
 * {@code T} seen in the segment so far; hence every record up to {@code O} has a timestamp of at most {@code T}.
 * Timestamps strictly increase from entry to entry, offsets never decrease. An entry is added alongside each
 * offset index entry when the largest timestamp grew, and once more when the segment stops being active, so the
 * last entry of an inactive segment holds its largest timestamp.
 * <p>
 * Threading as {@link IndexFile}: one writer, lock-free readers of published entries.
 */
final class TimeIndex extends IndexFile {

	static final int ENTRY_SIZE = 12;

	private final ByteBuffer scratch = ByteBuffer.allocate(ENTRY_SIZE);

	/**
	 * One entry.
	 *
	 * @param timestamp the largest timestamp so far, epoch ms
	 * @param offset the last offset of the batch that holds it
	 */
	record TimestampOffset(long timestamp, long offset) {
	}

	private TimeIndex(String logName, PooledFile data, long baseOffset, int maxIndexBytes, long loadedBytes)
			throws IOException {
		super(logName, data, baseOffset, ENTRY_SIZE, maxIndexBytes, loadedBytes);
	}

	/** Opens the index file as it is, if it exists; check it with {@link #problem(long)} before trusting it. */
	static TimeIndex open(String logName, OpenFiles files, Path file, long baseOffset, int maxIndexBytes)
			throws IOException {
		return new TimeIndex(logName, files.readWrite(file), baseOffset, maxIndexBytes, existingSize(files, file));
	}

	/** Creates an empty index file, replacing any existing one. */
	static TimeIndex create(String logName, OpenFiles files, Path file, long baseOffset, int maxIndexBytes)
			throws IOException {
		TimeIndex index = new TimeIndex(logName, files.readWrite(file), baseOffset, maxIndexBytes, -1);
		index.create();
		index.publish();
		return index;
	}

	/**
	 * Adds an entry if {@code timestamp} is above the last entry's (writer thread).
	 * @param timestamp the largest timestamp so far
	 * @param offset the last offset of the batch holding it; at least the last entry's offset
	 * @return whether an entry was added
	 * @throws IllegalArgumentException if {@code offset} is below the last entry's
	 */
	boolean maybeAppend(long timestamp, long offset) throws IOException {
		TimestampOffset last = last();
		if (last != null && timestamp <= last.timestamp()) {
			return false;
		}
		int relative = relativeOffset(offset);
		if (last != null && offset < last.offset()) {
			throw new IllegalArgumentException("Cannot append timestamp " + timestamp + " at offset " + offset
					+ " to " + this.file.getFileName() + ": the last entry is at offset " + last.offset() + ".");
		}
		this.scratch.putLong(0, timestamp).putInt(8, relative);
		appendEntry(this.scratch);
		return true;
	}

	/**
	 * The last published entry whose timestamp is below {@code timestamp} (any thread), or null. Every record up to
	 * its offset is older than {@code timestamp}. Searches the file unless the last entry is the answer.
	 */
	TimestampOffset lastBefore(long timestamp) throws IOException {
		Snapshot snapshot = snapshot();
		if (snapshot.count() == 0) {
			return null;
		}
		if (timestampOf(snapshot.last()) < timestamp) {
			return entry(snapshot.last());
		}
		ByteBuffer entry = lastEntryWhere(snapshot.count() - 1, candidate -> timestampOf(candidate) < timestamp);
		return (entry == null) ? null : entry(entry);
	}

	/** The last entry (writer's view), or null. */
	TimestampOffset last() {
		return (count() == 0) ? null : entry(lastEntry());
	}

	/**
	 * Why the loaded file cannot be trusted, or null: missing, torn, not monotonic, or pointing at or past
	 * {@code nextOffset}, the end of the segment.
	 */
	String problem(long nextOffset) throws IOException {
		String shape = shapeProblem();
		if (shape != null) {
			return shape;
		}
		long[] previous = { Long.MIN_VALUE, -1 };
		String order = firstProblem((i, entry) -> {
			long timestamp = timestampOf(entry);
			int relative = relativeOffsetOf(entry);
			if (relative < 0 || (i > 0 && (timestamp <= previous[0] || relative < previous[1]))) {
				return this.file.getFileName() + " entry " + i + " (timestamp " + timestamp + ", relative offset "
						+ relative + ") does not follow the one before it";
			}
			previous[0] = timestamp;
			previous[1] = relative;
			return null;
		});
		if (order != null) {
			return order;
		}
		TimestampOffset last = last();
		if (last != null && last.offset() >= nextOffset) {
			return this.file.getFileName() + " points to offset " + last.offset() + ", past the segment's last offset "
					+ (nextOffset - 1);
		}
		return null;
	}

	private TimestampOffset entry(ByteBuffer entry) {
		return new TimestampOffset(timestampOf(entry), this.baseOffset + relativeOffsetOf(entry));
	}

	private static long timestampOf(ByteBuffer entry) {
		return entry.getLong(0);
	}

	private static int relativeOffsetOf(ByteBuffer entry) {
		return entry.getInt(8);
	}

}
