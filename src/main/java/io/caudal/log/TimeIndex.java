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

	private TimeIndex(String logName, Path file, long baseOffset, ChannelFactory channels, ByteBuffer content) {
		super(logName, file, baseOffset, ENTRY_SIZE, channels, content);
	}

	/** Loads the index file as it is; check it with {@link #problem(long)} before trusting it. */
	static TimeIndex load(String logName, Path file, long baseOffset, ChannelFactory channels) throws IOException {
		return new TimeIndex(logName, file, baseOffset, channels, read(file, channels));
	}

	/** Creates an empty index file, replacing any existing one. */
	static TimeIndex create(String logName, Path file, long baseOffset, ChannelFactory channels) throws IOException {
		TimeIndex index = new TimeIndex(logName, file, baseOffset, channels, null);
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
	 * its offset is older than {@code timestamp}. Binary search.
	 */
	TimestampOffset lastBefore(long timestamp) {
		Snapshot snapshot = snapshot();
		int low = 0;
		int high = snapshot.count() - 1;
		int found = -1;
		while (low <= high) {
			int mid = (low + high) >>> 1;
			if (timestampAt(snapshot.entries(), mid) < timestamp) {
				found = mid;
				low = mid + 1;
			}
			else {
				high = mid - 1;
			}
		}
		return (found < 0) ? null : entryAt(snapshot.entries(), found);
	}

	/** The last entry (writer's view), or null. */
	TimestampOffset last() {
		int count = count();
		return (count == 0) ? null : entryAt(entries(), count - 1);
	}

	/**
	 * Why the loaded file cannot be trusted, or null: missing, torn, not monotonic, or pointing at or past
	 * {@code nextOffset}, the end of the segment.
	 */
	String problem(long nextOffset) {
		String shape = shapeProblem();
		if (shape != null) {
			return shape;
		}
		ByteBuffer entries = entries();
		for (int i = 0; i < count(); i++) {
			int relative = entries.getInt(i * ENTRY_SIZE + 8);
			if (relative < 0 || (i > 0 && (timestampAt(entries, i) <= timestampAt(entries, i - 1)
					|| relative < entries.getInt((i - 1) * ENTRY_SIZE + 8)))) {
				return this.file.getFileName() + " entry " + i + " (timestamp " + timestampAt(entries, i)
						+ ", relative offset " + relative + ") does not follow the one before it";
			}
		}
		TimestampOffset last = last();
		if (last != null && last.offset() >= nextOffset) {
			return this.file.getFileName() + " points to offset " + last.offset() + ", past the segment's last offset "
					+ (nextOffset - 1);
		}
		return null;
	}

	private TimestampOffset entryAt(ByteBuffer entries, int entry) {
		return new TimestampOffset(timestampAt(entries, entry),
				this.baseOffset + entries.getInt(entry * ENTRY_SIZE + 8));
	}

	private static long timestampAt(ByteBuffer entries, int entry) {
		return entries.getLong(entry * ENTRY_SIZE);
	}

}
