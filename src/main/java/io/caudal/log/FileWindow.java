package io.caudal.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.IntSupplier;

/**
 * Positional reads through a window buffer, so that walking many small batches costs one read per window
 * instead of two per batch. Each refill reads as many bytes as the caller says it still wants from there (at
 * least the slice asked for), so a read copies about what it returns, not a fixed or doubling window. A window
 * whose slices are kept by the caller ({@code keepsSlices}) is never overwritten: each refill reads into a new
 * buffer, so a slice stays valid as long as it is referenced. Otherwise a slice stays valid until the next call.
 * Not thread-safe: one per read.
 */
final class FileWindow {

	private final FileChannel channel;

	private final int limit;

	private final IntSupplier wantedBytes;

	private final boolean keepsSlices;

	private ByteBuffer buffer;

	private int start;

	/**
	 * @param limit the end of what may be read
	 * @param wantedBytes asked at each refill: how many bytes the caller expects to read from there on
	 */
	FileWindow(FileChannel channel, int limit, IntSupplier wantedBytes, boolean keepsSlices) {
		this.channel = channel;
		this.limit = limit;
		this.wantedBytes = wantedBytes;
		this.keepsSlices = keepsSlices;
	}

	/** The buffer the last slice came from. */
	ByteBuffer window() {
		return this.buffer;
	}

	/** The bytes {@code [position, position + length)}, which must lie below the limit. */
	ByteBuffer slice(int position, int length) throws IOException {
		if (this.buffer == null || position < this.start
				|| (long) position + length > (long) this.start + this.buffer.limit()) {
			int bytes = Math.min(Math.max(length, this.wantedBytes.getAsInt()), this.limit - position);
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
		}
		return this.buffer.duplicate()
			.position(position - this.start)
			.limit(position - this.start + length)
			.slice();
	}

}
