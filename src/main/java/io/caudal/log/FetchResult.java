package io.caudal.log;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The answer to {@link PartitionLog#read(long, int, int)}: the records {@code [fromOffset, nextOffset)} as the
 * whole, CRC-checked batches that hold them, read once from the file and never decoded into objects. Walk them
 * with {@link #cursor()}. Immutable; the buffers are the engine's copies of the file bytes and nobody writes them.
 *
 * @param batches the batches, in offset order; the first may start before {@code fromOffset} and the last may go
 * past the last record returned
 * @param fromOffset the offset the read started at
 * @param nextOffset the offset to read next: one past the last record returned, or {@code fromOffset} when nothing
 * was returned
 * @param recordCount how many records the read returned
 * @param recordBytes their size as {@code maxBytes} counts it ({@link RecordCursor#sizeInBytes()})
 * @param bufferedBytes the memory the batches hold while this result is kept: the whole read windows they were
 * sliced from
 * @param logStartOffset the first offset still held by the log when the read finished
 * @param logEndOffset the offset the next appended record will get, as of the start of the read
 */
public record FetchResult(List<ByteBuffer> batches, long fromOffset, long nextOffset, int recordCount,
		long recordBytes, long bufferedBytes, long logStartOffset, long logEndOffset) {

	public FetchResult {
		batches = List.copyOf(batches);
	}

	/** A read that found nothing at {@code offset}. */
	static FetchResult empty(long offset, long logStartOffset, long logEndOffset) {
		return new FetchResult(List.of(), offset, offset, 0, 0, 0, logStartOffset, logEndOffset);
	}

	/** A new cursor over the records returned, from the first; each reader takes its own. */
	public RecordCursor cursor() {
		return new RecordCursor(this.batches, this.fromOffset, this.nextOffset);
	}

}
