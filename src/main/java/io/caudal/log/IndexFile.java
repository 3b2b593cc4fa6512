package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A sparse index of one segment: fixed-size big-endian entries in a file, read where they lie rather than held in
 * memory, so an index costs the heap one entry whatever its length. An index holds at most
 * {@code segment.index.bytes}; the segment rolls when either of its indexes {@linkplain #isFull() is full}.
 * <p>
 * Threading: one writer thread appends, truncates and {@link #publish() publishes}; readers of any thread see only
 * the entries of the last publication, without locking. The writer never changes an entry below the published
 * count. The file is written entry by entry but fsynced only by {@link #flush()}; indexes are derived data, rebuilt
 * from the log when the file cannot be trusted.
 */
abstract class IndexFile {

	private static final int SCAN_WINDOW_BYTES = 64 * 1024;

	final String logName;

	final Path file;

	final long baseOffset;

	private final int entrySize;

	private final PooledFile data;

	private final long loadedBytes;

	private final int maxEntries;

	// The writer's view.
	private int count;

	private final ByteBuffer last;

	private boolean changed;

	private volatile Snapshot published;

	/**
	 * What readers may use.
	 *
	 * @param count the number of entries
	 * @param last a copy of the last entry, or null when there is none
	 */
	record Snapshot(int count, ByteBuffer last) {
	}

	/** Checks one entry of a walk over all of them. */
	@FunctionalInterface
	interface EntryCheck {

		/** Why entry {@code i} is wrong, given the ones before it, or null. */
		String problem(int i, ByteBuffer entry);

	}

	/**
	 * @param loadedBytes the size of the existing file, or -1 if there is none
	 * @param maxIndexBytes the most bytes the index may hold ({@code segment.index.bytes})
	 */
	IndexFile(String logName, PooledFile data, long baseOffset, int entrySize, int maxIndexBytes, long loadedBytes)
			throws IOException {
		this.logName = logName;
		this.file = data.path;
		this.data = data;
		this.baseOffset = baseOffset;
		this.entrySize = entrySize;
		this.maxEntries = Math.max(1, maxIndexBytes / entrySize);
		this.loadedBytes = loadedBytes;
		this.last = ByteBuffer.allocate(entrySize);
		this.count = (int) Math.min(Integer.MAX_VALUE, Math.max(0, loadedBytes) / entrySize);
		if (this.count > 0) {
			this.data.readFully(this.last, (long) (this.count - 1) * entrySize);
		}
		this.changed = true;
		publish();
	}

	/** The size of an existing index file, or -1 if there is none. */
	static long existingSize(OpenFiles files, Path file) throws IOException {
		LogFileSystem fileSystem = files.fileSystem();
		return fileSystem.exists(file) ? fileSystem.size(file) : -1;
	}

	/** Creates or empties the file. */
	final void create() throws IOException {
		this.data.truncate(0);
		this.count = 0;
		this.changed = true;
	}

	/** Why the loaded file cannot be trusted as to its shape (missing, torn), or null. */
	final String shapeProblem() {
		if (this.loadedBytes < 0) {
			return this.file.getFileName() + " is missing";
		}
		if (this.loadedBytes % this.entrySize != 0) {
			return this.file.getFileName() + " has " + this.loadedBytes + " bytes, not a multiple of its "
					+ this.entrySize + "-byte entries";
		}
		return null;
	}

	/** The writer's entry count, published or not. */
	final int count() {
		return this.count;
	}

	/** The writer's last entry; valid when {@link #count()} is above 0. */
	final ByteBuffer lastEntry() {
		return this.last;
	}

	/** Whether the next segment write could need more room than the index has left (writer thread). */
	final boolean isFull() {
		// One entry is kept for the last time index entry a segment gets when it stops being active.
		return this.count + 1 >= this.maxEntries;
	}

	final Snapshot snapshot() {
		return this.published;
	}

	/** The offset relative to the base offset, as stored in entries. */
	final int relativeOffset(long offset) {
		long relative = offset - this.baseOffset;
		if (relative < 0 || relative > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("Offset " + offset + " cannot go into " + this.file.getFileName()
					+ ": it must lie within 2^31-1 above the base offset " + this.baseOffset + ".");
		}
		return (int) relative;
	}

	/** Appends one entry to the file; {@code entry} holds exactly one entry from position 0. */
	final void appendEntry(ByteBuffer entry) throws IOException {
		this.data.writeFully(entry.duplicate().position(0).limit(this.entrySize),
				(long) this.count * this.entrySize);
		this.last.put(0, entry, 0, this.entrySize);
		this.count++;
		this.changed = true;
	}

	/** Makes the writer's entries visible to readers. */
	final void publish() {
		if (this.changed) {
			ByteBuffer lastCopy = (this.count == 0) ? null
					: ByteBuffer.allocate(this.entrySize).put(0, this.last, 0, this.entrySize).asReadOnlyBuffer();
			this.published = new Snapshot(this.count, lastCopy);
			this.changed = false;
		}
	}

	/** Drops the entries appended since the last publication, in the file too. */
	final void rollback() throws IOException {
		Snapshot snapshot = this.published;
		this.count = snapshot.count();
		if (snapshot.last() != null) {
			this.last.put(0, snapshot.last(), 0, this.entrySize);
		}
		this.data.truncate((long) this.count * this.entrySize);
		this.changed = false;
	}

	/** Fsyncs the file. */
	final void flush() throws IOException {
		this.data.force();
	}

	/** Closes the file for good, once no reader holds it. */
	final void closeForGood() {
		this.data.closeForGood();
	}

	/**
	 * Binary search over the first {@code count} entries (any thread): the last entry for which {@code before}
	 * holds, where it holds for a prefix of the entries; null if it holds for none.
	 */
	final ByteBuffer lastEntryWhere(int count, Predicate<ByteBuffer> before) throws IOException {
		ByteBuffer entry = ByteBuffer.allocate(this.entrySize);
		FileChannel channel = this.data.acquire();
		try {
			int low = 0;
			int high = count - 1;
			int found = -1;
			while (low <= high) {
				int mid = (low + high) >>> 1;
				if (before.test(read(channel, mid, entry))) {
					found = mid;
					low = mid + 1;
				}
				else {
					high = mid - 1;
				}
			}
			return (found < 0) ? null : read(channel, found, entry);
		}
		finally {
			this.data.release();
		}
	}

	/** Walks the writer's entries in order and returns the first problem {@code check} finds, or null. */
	final String firstProblem(EntryCheck check) throws IOException {
		if (this.count == 0) {
			return null;
		}
		FileChannel channel = this.data.acquire();
		try {
			FileWindow window = new FileWindow(channel, this.count * this.entrySize, () -> SCAN_WINDOW_BYTES, false);
			for (int i = 0; i < this.count; i++) {
				String problem = check.problem(i, window.slice(i * this.entrySize, this.entrySize));
				if (problem != null) {
					return problem;
				}
			}
			return null;
		}
		finally {
			this.data.release();
		}
	}

	private ByteBuffer read(FileChannel channel, int index, ByteBuffer entry) throws IOException {
		entry.clear();
		PooledFile.readFully(channel, entry, (long) index * this.entrySize);
		return entry.flip();
	}

}
