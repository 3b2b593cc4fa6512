package io.caudal.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the batches of one read across segments, enforcing its limits record by record. Not thread-safe:
 * one per read.
 */
final class RecordCollector {

	private final List<ByteBuffer> batches = new ArrayList<>();

	private final int maxRecords;

	private final long maxBytes;

	private final long fromOffset;

	private final long endOffset;

	private int records;

	private long bytes;

	private long nextOffset;

	private long bufferedBytes;

	/** The window the last batch taken was sliced from, so that each window is counted once. */
	private Object lastWindow;

	private boolean full;

	/**
	 * @param maxRecords the most records, at least 1
	 * @param maxBytes the most bytes, as {@link RecordCursor#sizeInBytes()} counts them; the first record is
	 * taken whatever its size
	 * @param fromOffset the first offset wanted
	 * @param endOffset the published end offset when the read began; records from it on are not taken
	 */
	RecordCollector(int maxRecords, long maxBytes, long fromOffset, long endOffset) {
		this.maxRecords = maxRecords;
		this.maxBytes = maxBytes;
		this.fromOffset = fromOffset;
		this.endOffset = endOffset;
		this.nextOffset = fromOffset;
	}

	/**
	 * Takes the records of a whole, checked batch that fit, from the next wanted offset on.
	 * @param window the read window the batch was sliced from, kept alive by the slice
	 * @throws CorruptRecordException if a record cannot be decoded
	 */
	void offer(ByteBuffer batch, ByteBuffer window) {
		RecordCursor cursor = new RecordCursor(List.of(batch), this.nextOffset, this.endOffset);
		int taken = 0;
		while (!this.full && cursor.next()) {
			int recordBytes = cursor.sizeInBytes();
			if (this.records > 0 && this.bytes + recordBytes > this.maxBytes) {
				this.full = true;
				break;
			}
			this.records++;
			this.bytes += recordBytes;
			this.nextOffset = cursor.offset() + 1;
			taken++;
			this.full = this.records >= this.maxRecords || this.bytes >= this.maxBytes
					|| this.nextOffset >= this.endOffset;
		}
		if (taken > 0) {
			this.batches.add(batch);
			if (window != this.lastWindow) {
				this.lastWindow = window;
				this.bufferedBytes += window.capacity();
			}
		}
	}

	boolean isFull() {
		return this.full;
	}

	long endOffset() {
		return this.endOffset;
	}

	long remainingRecords() {
		return this.maxRecords - this.records;
	}

	long remainingBytes() {
		return Math.max(this.maxBytes - this.bytes, 0);
	}

	boolean isEmpty() {
		return this.records == 0;
	}

	FetchResult result(long logStartOffset) {
		return new FetchResult(this.batches, this.fromOffset, this.nextOffset, this.records, this.bytes,
				this.bufferedBytes, logStartOffset, this.endOffset);
	}

}
