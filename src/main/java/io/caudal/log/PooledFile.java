package io.caudal.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * One file of a segment, open only while {@link OpenFiles} keeps it so. Acquire the channel for one read or write
 * and release it after; the helpers here do both for single calls. Thread-safe.
 */
final class PooledFile {

	final Path path;

	final OpenOption[] options;

	private final OpenFiles files;

	// Guarded by files.
	FileChannel channel;

	int leases;

	boolean closedForGood;

	PooledFile(OpenFiles files, Path path, OpenOption[] options) {
		this.files = files;
		this.path = path;
		this.options = options;
	}

	/** The open channel, kept open until {@link #release()}; every acquire needs one release. */
	FileChannel acquire() throws IOException {
		return this.files.acquire(this);
	}

	void release() {
		this.files.release(this);
	}

	/** Fills {@code into} from {@code position}. */
	void readFully(ByteBuffer into, long position) throws IOException {
		FileChannel channel = acquire();
		try {
			readFully(channel, into, position);
		}
		finally {
			release();
		}
	}

	/** Writes all of {@code bytes} at {@code position}. */
	void writeFully(ByteBuffer bytes, long position) throws IOException {
		FileChannel channel = acquire();
		try {
			long at = position;
			while (bytes.hasRemaining()) {
				at += channel.write(bytes, at);
			}
		}
		finally {
			release();
		}
	}

	void truncate(long size) throws IOException {
		FileChannel channel = acquire();
		try {
			channel.truncate(size);
		}
		finally {
			release();
		}
	}

	void force() throws IOException {
		FileChannel channel = acquire();
		try {
			channel.force(true);
		}
		finally {
			release();
		}
	}

	/** Closes the file once no reader holds it; it cannot be acquired again. */
	void closeForGood() {
		this.files.closeForGood(this);
	}

	static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
		long at = position;
		while (into.hasRemaining()) {
			int read = channel.read(into, at);
			if (read < 0) {
				throw new EOFException("The file ends at " + at + ", before the " + into.remaining()
						+ " more bytes wanted.");
			}
			at += read;
		}
	}

	@Override
	public String toString() {
		return this.path.toString();
	}

}
