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

	private OffsetIndex(String logName, PooledFile data, long baseOffset, int maxIndexBytes, long loadedBytes)
			throws IOException {
		super(logName, data, baseOffset, ENTRY_SIZE, maxIndexBytes, loadedBytes);
	}

	/** Opens the index file as it is, if it exists; check it with {@link #problem(int)} before trusting it. */
	static OffsetIndex open(String logName, OpenFiles files, Path file, long baseOffset, int maxIndexBytes)
			throws IOException {
		return new OffsetIndex(logName, files.readWrite(file), baseOffset, maxIndexBytes,
				existingSize(files, file));
	}

	/** Creates an empty index file, replacing any existing one. */
	static OffsetIndex create(String logName, OpenFiles files, Path file, long baseOffset, int maxIndexBytes)
			throws IOException {
		OffsetIndex index = new OffsetIndex(logName, files.readWrite(file), baseOffset, maxIndexBytes, -1);
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
		if (count() > 0 && (relative <= relativeOffsetOf(lastEntry()) || position <= positionOf(lastEntry()))) {
			throw new IllegalArgumentException("Cannot append offset " + offset + " at position " + position + " to "
					+ this.file.getFileName() + ": the last entry is offset " + lastOffset() + " at position "
					+ lastPosition() + ".");
		}
		this.scratch.putInt(0, relative).putInt(4, position);
		appendEntry(this.scratch);
	}

	/**
	 * Where to start scanning for {@code targetOffset} (any thread): the position of the last published entry
	 * whose offset is at most {@code targetOffset}, or 0 if there is none. Reads at the end of the log need no
	 * search; others search the file.
	 */
	int lookup(long targetOffset) throws IOException {
		Snapshot snapshot = snapshot();
		long relative = targetOffset - this.baseOffset;
		if (relative < 0 || snapshot.count() == 0) {
			return 0;
		}
		int target = (int) Math.min(relative, Integer.MAX_VALUE);
		if (relativeOffsetOf(snapshot.last()) <= target) {
			return positionOf(snapshot.last());
		}
		ByteBuffer entry = lastEntryWhere(snapshot.count() - 1, candidate -> relativeOffsetOf(candidate) <= target);
		return (entry == null) ? 0 : positionOf(entry);
	}

	/** The last entry's offset (writer's view), or the base offset minus one if there is none. */
	long lastOffset() {
		return (count() == 0) ? this.baseOffset - 1 : this.baseOffset + relativeOffsetOf(lastEntry());
	}

	/** The last entry's position (writer's view), or 0 if there is none. */
	int lastPosition() {
		return (count() == 0) ? 0 : positionOf(lastEntry());
	}

	/**
	 * Why the loaded file cannot be trusted, or null: missing, torn, not strictly increasing, or pointing at or
	 * past the end of a log of {@code logSizeBytes}.
	 */
	String problem(int logSizeBytes) throws IOException {
		String shape = shapeProblem();
		if (shape != null) {
			return shape;
		}
		int[] previous = { -1, -1 };
		String order = firstProblem((i, entry) -> {
			int relative = relativeOffsetOf(entry);
			int position = positionOf(entry);
			if (relative < 0 || position < 0 || (i > 0 && (relative <= previous[0] || position <= previous[1]))) {
				return this.file.getFileName() + " entry " + i + " (relative offset " + relative + ", position "
						+ position + ") does not follow the one before it";
			}
			previous[0] = relative;
			previous[1] = position;
			return null;
		});
		if (order != null) {
			return order;
		}
		if (count() > 0 && lastPosition() >= logSizeBytes) {
			return this.file.getFileName() + " points to position " + lastPosition() + ", past the end of the "
					+ logSizeBytes + "-byte log";
		}
		return null;
	}

	private static int relativeOffsetOf(ByteBuffer entry) {
		return entry.getInt(0);
	}

	private static int positionOf(ByteBuffer entry) {
		return entry.getInt(4);
	}

}
