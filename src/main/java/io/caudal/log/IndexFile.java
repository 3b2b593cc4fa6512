package io.caudal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sparse index of one segment: fixed-size big-endian entries, held in memory and mirrored to a file.
 * <p>
 * Threading: one writer thread appends, truncates and {@link #publish() publishes}; readers of any thread see only
 * the entries of the last publication, without locking. The writer never changes an entry below the published
 * count, and grows the array by copying, so a reader holding an older publication keeps reading valid entries.
 * The file is written entry by entry but fsynced only by {@link #flush()}; indexes are derived data, rebuilt from
 * the log when the file cannot be trusted.
 */
abstract class IndexFile {

	private static final Logger log = LoggerFactory.getLogger(IndexFile.class);

	private static final int INITIAL_ENTRIES = 32;

	final String logName;

	final Path file;

	final long baseOffset;

	private final int entrySize;

	private final ChannelFactory channels;

	private final boolean loadedFromFile;

	private final long loadedBytes;

	private ByteBuffer entries;

	private int count;

	private FileChannel channel;

	private volatile Snapshot published;

	/**
	 * The entries readers may use.
	 *
	 * @param entries the entry array; only the first {@code count} entries are valid
	 * @param count the number of entries
	 */
	record Snapshot(ByteBuffer entries, int count) {
	}

	/**
	 * @param content the file's bytes, or null if the file does not exist
	 */
	IndexFile(String logName, Path file, long baseOffset, int entrySize, ChannelFactory channels, ByteBuffer content) {
		this.logName = logName;
		this.file = file;
		this.baseOffset = baseOffset;
		this.entrySize = entrySize;
		this.channels = channels;
		this.loadedFromFile = content != null;
		this.loadedBytes = (content != null) ? content.limit() : 0;
		this.entries = (content != null) ? content : ByteBuffer.allocate(INITIAL_ENTRIES * entrySize);
		this.count = (int) (this.loadedBytes / entrySize);
		publish();
	}

	/** Reads a whole index file, or returns null if it does not exist. */
	static ByteBuffer read(Path file, ChannelFactory channels) throws IOException {
		try (FileChannel channel = channels.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size > Integer.MAX_VALUE) {
				throw new IOException("Index file " + file + " is " + size + " bytes, more than an index can hold.");
			}
			ByteBuffer content = ByteBuffer.allocate((int) size);
			while (content.hasRemaining()) {
				if (channel.read(content, content.position()) < 0) {
					break;
				}
			}
			return content.flip();
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	/** Creates or empties the file. */
	final void create() throws IOException {
		channel().truncate(0);
		this.count = 0;
	}

	/** Why the loaded file cannot be trusted as to its shape (missing, torn), or null. */
	final String shapeProblem() {
		if (!this.loadedFromFile) {
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

	/** The writer's entries; valid below {@link #count()}. */
	final ByteBuffer entries() {
		return this.entries;
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

	/** Appends one entry, in memory and to the file; {@code entry} holds exactly one entry. */
	final void appendEntry(ByteBuffer entry) throws IOException {
		ensureCapacity(this.count + 1);
		int at = this.count * this.entrySize;
		this.entries.put(at, entry, 0, this.entrySize);
		ByteBuffer bytes = entry.duplicate().position(0).limit(this.entrySize);
		FileChannel channel = channel();
		while (bytes.hasRemaining()) {
			channel.write(bytes, at + bytes.position());
		}
		this.count++;
	}

	/** Makes the writer's entries visible to readers. */
	final void publish() {
		this.published = new Snapshot(this.entries, this.count);
	}

	/** Drops the entries appended since the last publication, in memory and in the file. */
	final void rollback() throws IOException {
		this.count = this.published.count();
		channel().truncate((long) this.count * this.entrySize);
	}

	/** Fsyncs the file if it was written since it was opened. */
	final void flush() throws IOException {
		if (this.channel != null) {
			this.channel.force(true);
		}
	}

	/**
	 * Closes the file; the entries stay in memory and a later write reopens it. Inactive segments keep no index
	 * file open, so a partition holds three descriptors for its active segment and one per older segment.
	 */
	final void closeChannel() {
		if (this.channel != null) {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				log.warn("{} - Closing {} failed.", this.logName, this.file, ex);
			}
			this.channel = null;
		}
	}

	private FileChannel channel() throws IOException {
		if (this.channel == null) {
			this.channel = this.channels.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
		}
		return this.channel;
	}

	private void ensureCapacity(int entriesNeeded) {
		if ((long) entriesNeeded * this.entrySize <= this.entries.capacity()) {
			return;
		}
		int capacity = Math.max(entriesNeeded, Math.max(INITIAL_ENTRIES, this.count * 2));
		ByteBuffer grown = ByteBuffer.allocate(Math.multiplyExact(capacity, this.entrySize));
		grown.put(0, this.entries, 0, this.count * this.entrySize);
		this.entries = grown;
	}

}
