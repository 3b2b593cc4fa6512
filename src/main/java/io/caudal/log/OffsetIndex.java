package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of a segment ({@code .index}): maps offsets to byte positions in the segment's
 * {@code .log} so a read starts near its batch instead of at the start of the segment.
 * <p>
 * File format, as Kafka's: 8-byte entries of {@code relative offset} (int32, offset minus the segment's base
 * offset) and {@code position} (int32, byte position of a batch in the {@code .log}), both strictly increasing.
 * An entry's offset is the <em>last</em> offset of the batch at its position. One entry is added after every
 * {@code indexIntervalBytes} of batches; the first batch of a segment has none (position 0 is implied).
 * <p>
 * Threading as {@link IndexFile}: one writer, lock-free readers of published entries.
 */
final class OffsetIndex extends IndexFile {

	static final int ENTRY_SIZE = 8;

	private final ByteBuffer scratch = ByteBuffer.allocate(ENTRY_SIZE);

	private OffsetIndex(String logName, Path file, long baseOffset, ChannelFactory channels, ByteBuffer content) {
		super(logName, file, baseOffset, ENTRY_SIZE, channels, content);
	}

	/** Loads the index file as it is; check it with {@link #problem(int)} before trusting it. */
	static OffsetIndex load(String logName, Path file, long baseOffset, ChannelFactory channels) throws IOException {
		return new OffsetIndex(logName, file, baseOffset, channels, read(file, channels));
	}

	/** Creates an empty index file, replacing any existing one. */
	static OffsetIndex create(String logName, Path file, long baseOffset, ChannelFactory channels)
			throws IOException {
		OffsetIndex index = new OffsetIndex(logName, file, baseOffset, channels, null);
		index.create();
		index.publish();
		return index;
	}

	/**
	 * Adds an entry (writer thread).
	 * @param offset the last offset of the batch at {@code position}; above the last entry's offset and within
	 * 2^31-1 of the base offset
	 * @param position the batch's byte position; above the last entry's position
	 * @throws IllegalArgumentException if the entry does not follow the last one
	 */
	void append(long offset, int position) throws IOException {
		int relative = relativeOffset(offset);
		int count = count();
		if (count > 0 && (relative <= relativeOffsetAt(entries(), count - 1)
				|| position <= positionAt(entries(), count - 1))) {
			throw new IllegalArgumentException("Cannot append offset " + offset + " at position " + position + " to "
					+ this.file.getFileName() + ": the last entry is offset " + lastOffset() + " at position "
					+ lastPosition() + ".");
		}
		this.scratch.putInt(0, relative).putInt(4, position);
		appendEntry(this.scratch);
	}

	/**
	 * Where to start scanning for {@code targetOffset} (any thread): the position of the last published entry
	 * whose offset is at most {@code targetOffset}, or 0 if there is none. Binary search.
	 */
	int lookup(long targetOffset) {
		Snapshot snapshot = snapshot();
		long relative = targetOffset - this.baseOffset;
		if (relative < 0) {
			return 0;
		}
		int target = (int) Math.min(relative, Integer.MAX_VALUE);
		int low = 0;
		int high = snapshot.count() - 1;
		int found = -1;
		while (low <= high) {
			int mid = (low + high) >>> 1;
			if (relativeOffsetAt(snapshot.entries(), mid) <= target) {
				found = mid;
				low = mid + 1;
			}
			else {
				high = mid - 1;
			}
		}
		return (found < 0) ? 0 : positionAt(snapshot.entries(), found);
	}

	/** The last entry's offset (writer's view), or the base offset minus one if there is none. */
	long lastOffset() {
		int count = count();
		return (count == 0) ? this.baseOffset - 1 : this.baseOffset + relativeOffsetAt(entries(), count - 1);
	}

	/** The last entry's position (writer's view), or 0 if there is none. */
	int lastPosition() {
		int count = count();
		return (count == 0) ? 0 : positionAt(entries(), count - 1);
	}

	/**
	 * Why the loaded file cannot be trusted, or null: missing, torn, not strictly increasing, or pointing at or
	 * past the end of a log of {@code logSizeBytes}.
	 */
	String problem(int logSizeBytes) {
		String shape = shapeProblem();
		if (shape != null) {
			return shape;
		}
		ByteBuffer entries = entries();
		for (int i = 0; i < count(); i++) {
			int relative = relativeOffsetAt(entries, i);
			int position = positionAt(entries, i);
			if (relative < 0 || position < 0 || (i > 0 && (relative <= relativeOffsetAt(entries, i - 1)
					|| position <= positionAt(entries, i - 1)))) {
				return this.file.getFileName() + " entry " + i + " (relative offset " + relative + ", position "
						+ position + ") does not follow the one before it";
			}
		}
		if (count() > 0 && lastPosition() >= logSizeBytes) {
			return this.file.getFileName() + " points to position " + lastPosition() + ", past the end of the "
					+ logSizeBytes + "-byte log";
		}
		return null;
	}

	private static int relativeOffsetAt(ByteBuffer entries, int entry) {
		return entries.getInt(entry * ENTRY_SIZE);
	}

	private static int positionAt(ByteBuffer entries, int entry) {
		return entries.getInt(entry * ENTRY_SIZE + 4);
	}

}
