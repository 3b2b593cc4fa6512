package io.caudal.log;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of every partition of an engine, opened when used and closed when idle, so that the number of open
 * descriptors depends on this bound and on how many reads and writes run at once, never on how many partitions or
 * segments exist. One per engine, shared by its partitions; thread-safe.
 * <p>
 * A file is {@linkplain PooledFile#acquire() acquired} for the length of one read or write and released after;
 * while acquired it stays open. Opening a file past the bound first closes the least recently used files that no
 * one holds; files held at that moment may take the count above the bound until they are released.
 * <p>
 * A file written and then closed before its fsync is forced later through a new descriptor: Linux flushes the
 * file's pages, whichever descriptor asks, and reports a failed write-back to the next fsync even on a descriptor
 * opened after the failure (kernel 4.16 and later).
 */
public final class OpenFiles {

	private static final Logger log = LoggerFactory.getLogger(OpenFiles.class);

	private static final OpenOption[] READ_WRITE = { StandardOpenOption.CREATE, StandardOpenOption.READ,
			StandardOpenOption.WRITE };

	private final LogFileSystem fileSystem;

	private final int maxOpen;

	/** Guarded by this; least recently used first. */
	private final LinkedHashSet<PooledFile> open = new LinkedHashSet<>();

	private long opens;

	/**
	 * @param maxOpen the most files kept open when no one holds them; at least 1
	 */
	public OpenFiles(int maxOpen) {
		this(LogFileSystem.LOCAL, maxOpen);
	}

	OpenFiles(LogFileSystem fileSystem, int maxOpen) {
		if (maxOpen < 1) {
			throw new IllegalArgumentException("maxOpen is " + maxOpen + "; it must be at least 1.");
		}
		this.fileSystem = fileSystem;
		this.maxOpen = maxOpen;
	}

	public int maxOpen() {
		return this.maxOpen;
	}

	/** The files open right now. */
	public synchronized int openCount() {
		return this.open.size();
	}

	/** How many times a file was opened, since this was created. */
	public synchronized long opens() {
		return this.opens;
	}

	LogFileSystem fileSystem() {
		return this.fileSystem;
	}

	/** A handle on {@code file}, opened for reading and writing (created if missing) when acquired. */
	PooledFile readWrite(Path file) {
		return new PooledFile(this, file, READ_WRITE);
	}

	synchronized FileChannel acquire(PooledFile file) throws IOException {
		if (file.closedForGood) {
			throw new ClosedChannelException();
		}
		if (file.channel != null && !file.channel.isOpen()) {
			// An interrupted reader closes a shared channel; the next user opens it again.
			this.open.remove(file);
			file.channel = null;
		}
		if (file.channel == null) {
			closeIdleDownTo(this.maxOpen - 1);
			file.channel = this.fileSystem.open(file.path, file.options);
			this.opens++;
		}
		else {
			this.open.remove(file);
		}
		this.open.add(file);
		file.leases++;
		return file.channel;
	}

	synchronized void release(PooledFile file) {
		file.leases--;
		if (file.leases == 0 && file.closedForGood) {
			closeChannel(file);
		}
		else if (this.open.size() > this.maxOpen) {
			closeIdleDownTo(this.maxOpen);
		}
	}

	/** Closes the file once no one holds it, and refuses later acquires. */
	synchronized void closeForGood(PooledFile file) {
		file.closedForGood = true;
		if (file.leases == 0) {
			closeChannel(file);
		}
	}

	/** Closes the least recently used files no one holds until at most {@code count} are open, or none is idle. */
	private void closeIdleDownTo(int count) {
		Iterator<PooledFile> oldestFirst = this.open.iterator();
		while (this.open.size() > count && oldestFirst.hasNext()) {
			PooledFile file = oldestFirst.next();
			if (file.leases == 0) {
				oldestFirst.remove();
				closeQuietly(file);
			}
		}
	}

	private void closeChannel(PooledFile file) {
		if (this.open.remove(file)) {
			closeQuietly(file);
		}
	}

	private static void closeQuietly(PooledFile file) {
		FileChannel channel = file.channel;
		file.channel = null;
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				log.warn("Closing {} failed.", file.path, ex);
			}
		}
	}

}
