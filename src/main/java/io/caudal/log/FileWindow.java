package io.caudal.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads through a window buffer, so that walking many small batches costs one read per window
 * instead of two per batch. The window starts at the given size and doubles at each refill up to its maximum.
 * A window whose slices are kept by the caller ({@code keepsSlices}) is never overwritten: each refill reads into
 * a new buffer, so a slice stays valid as long as it is referenced. Otherwise a slice stays valid until the next
 * call. Not thread-safe: one per read.
 */
final class FileWindow {

	private final FileChannel channel;

	private final int limit;

	private final int maxWindowBytes;

	private final boolean keepsSlices;

	private int windowBytes;

	private ByteBuffer buffer;

	private int start;

	FileWindow(FileChannel channel, int limit, int initialWindowBytes, int maxWindowBytes, boolean keepsSlices) {
		this.channel = channel;
		this.limit = limit;
		this.windowBytes = initialWindowBytes;
		this.maxWindowBytes = maxWindowBytes;
		this.keepsSlices = keepsSlices;
	}

	/** The buffer the last slice came from. */
	ByteBuffer windowBytes() {
		return this.buffer;
	}

	/** The bytes {@code [position, position + length)}, which must lie below the limit. */
	ByteBuffer slice(int position, int length) throws IOException {
		if (this.buffer == null || position < this.start
				|| (long) position + length > (long) this.start + this.buffer.limit()) {
			int bytes = Math.min(Math.max(length, this.windowBytes), this.limit - position);
			if (this.buffer == null || this.keepsSlices || this.buffer.capacity() < bytes) {
				this.buffer = ByteBuffer.allocate(bytes);
			}
			this.buffer.clear().limit(bytes);
			while (this.buffer.hasRemaining()) {
				if (this.channel.read(this.buffer, position + (long) this.buffer.position()) < 0) {
					throw new EOFException("The file ends at " + (position + this.buffer.position())
							+ ", before the " + this.limit + " bytes it should hold.");
				}
			}
			this.buffer.flip();
			this.start = position;
			this.windowBytes = Math.min(this.windowBytes * 2, this.maxWindowBytes);
		}
		return this.buffer.duplicate()
			.position(position - this.start)
			.limit(position - this.start + length)
			.slice();
	}

}
