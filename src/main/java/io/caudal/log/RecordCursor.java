package io.caudal.log;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Walks the records of a {@link FetchResult} in offset order without copying or allocating per record: each field
 * is a position and a length in {@link #buffer()}, the bytes of the batch holding the current record.
 * <p>
 * A record in a v2 batch is: length (varint), attributes (int8), timestamp delta (varlong), offset delta (varint),
 * key length (varint, -1 for none) and key, value length (varint, -1 for none) and value, header count (varint),
 * then per header its key length and UTF-8 key and its value length (-1 for none) and value. The varints are read
 * by kafka-clients' own decoder ({@link RecordBatches}). Batches are CRC-checked before a cursor sees them.
 * <p>
 * Not thread-safe: one cursor per reader. Positions are valid until the next {@link #next()}; the bytes stay valid
 * as long as the {@link FetchResult} is reachable.
 */
public final class RecordCursor {

	private static final int[] NO_HEADERS = new int[0];

	private final List<ByteBuffer> batches;

	private final long fromOffset;

	private final long toOffset;

	private int batchIndex = -1;

	private ByteBuffer batch;

	/** Reads the current batch's records with relative gets; {@link #batch} is what callers index. */
	private ByteBuffer walker;

	private long baseOffset;

	private long baseTimestamp;

	private boolean logAppendTime;

	private long maxTimestamp;

	private int recordsLeftInBatch;

	private long offset;

	private long timestamp;

	private int keyPosition;

	private int keyLength;

	private int valuePosition;

	private int valueLength;

	private int headerCount;

	/** Per header: key position, key length, value position, value length. */
	private int[] headers = NO_HEADERS;

	/**
	 * @param batches whole, checked batches in offset order
	 * @param fromOffset the first offset to return; earlier records of the first batch are skipped
	 * @param toOffset one past the last offset to return
	 */
	RecordCursor(List<ByteBuffer> batches, long fromOffset, long toOffset) {
		this.batches = batches;
		this.fromOffset = fromOffset;
		this.toOffset = toOffset;
	}

	/**
	 * Moves to the next record.
	 * @return false when there is none
	 * @throws CorruptRecordException if a record cannot be decoded
	 */
	public boolean next() {
		while (true) {
			while (this.recordsLeftInBatch == 0) {
				if (!nextBatch()) {
					return false;
				}
			}
			this.recordsLeftInBatch--;
			decode();
			if (this.offset >= this.toOffset) {
				this.recordsLeftInBatch = 0;
				this.batchIndex = this.batches.size();
				return false;
			}
			if (this.offset >= this.fromOffset) {
				return true;
			}
		}
	}

	/** The current record's offset. */
	public long offset() {
		return this.offset;
	}

	/** The current record's timestamp, epoch milliseconds. */
	public long timestamp() {
		return this.timestamp;
	}

	/** The bytes of the batch holding the current record; index it with the positions below, absolutely. */
	public ByteBuffer buffer() {
		return this.batch;
	}

	public int keyPosition() {
		return this.keyPosition;
	}

	/** The key's length in bytes, or -1 for no key. */
	public int keyLength() {
		return this.keyLength;
	}

	public int valuePosition() {
		return this.valuePosition;
	}

	/** The value's length in bytes, or -1 for a tombstone. */
	public int valueLength() {
		return this.valueLength;
	}

	public int headerCount() {
		return this.headerCount;
	}

	public int headerKeyPosition(int header) {
		return this.headers[header * 4];
	}

	/** The length in bytes of the header's UTF-8 name. */
	public int headerKeyLength(int header) {
		return this.headers[header * 4 + 1];
	}

	public int headerValuePosition(int header) {
		return this.headers[header * 4 + 2];
	}

	/** The header value's length in bytes, or -1 for none. */
	public int headerValueLength(int header) {
		return this.headers[header * 4 + 3];
	}

	/**
	 * The current record's size as {@code maxBytes} and {@code max.message.bytes} count it: key plus value plus each
	 * header's name and value.
	 */
	public int sizeInBytes() {
		int bytes = Math.max(this.keyLength, 0) + Math.max(this.valueLength, 0);
		for (int i = 0; i < this.headerCount; i++) {
			bytes += headerKeyLength(i) + Math.max(headerValueLength(i), 0);
		}
		return bytes;
	}

	private boolean nextBatch() {
		if (++this.batchIndex >= this.batches.size()) {
			this.batchIndex = this.batches.size();
			return false;
		}
		this.batch = this.batches.get(this.batchIndex);
		int attributes = this.batch.getShort(RecordBatches.ATTRIBUTES_OFFSET);
		if ((attributes & RecordBatches.COMPRESSION_MASK) != 0) {
			throw new CorruptRecordException("the batch at offset " + this.batch.getLong(0)
					+ " is compressed; Caudal writes and reads uncompressed batches only", null);
		}
		this.logAppendTime = (attributes & RecordBatches.LOG_APPEND_TIME_FLAG) != 0;
		this.baseOffset = this.batch.getLong(0);
		this.baseTimestamp = this.batch.getLong(RecordBatches.BASE_TIMESTAMP_OFFSET);
		this.maxTimestamp = this.batch.getLong(RecordBatches.MAX_TIMESTAMP_OFFSET);
		this.recordsLeftInBatch = this.batch.getInt(RecordBatches.RECORDS_COUNT_OFFSET);
		this.walker = this.batch.duplicate().position(RecordBatches.HEADER_SIZE);
		return true;
	}

	private void decode() {
		ByteBuffer in = this.walker;
		int length = RecordBatches.readVarint(in);
		int end = in.position() + length;
		if (length < 0 || end > in.limit()) {
			throw new CorruptRecordException("a record of " + length + " bytes runs past the end of its batch", null);
		}
		in.get(); // attributes: unused in v2
		long timestampDelta = RecordBatches.readVarlong(in);
		this.offset = this.baseOffset + RecordBatches.readVarint(in);
		this.timestamp = this.logAppendTime ? this.maxTimestamp : this.baseTimestamp + timestampDelta;
		this.keyLength = RecordBatches.readVarint(in);
		this.keyPosition = skip(in, this.keyLength, end);
		this.valueLength = RecordBatches.readVarint(in);
		this.valuePosition = skip(in, this.valueLength, end);
		int count = RecordBatches.readVarint(in);
		if (count < 0 || count > (end - in.position()) / 2) {
			throw new CorruptRecordException("a record declares " + count + " headers", null);
		}
		if (this.headers.length < count * 4) {
			this.headers = new int[Math.max(count * 4, 16)];
		}
		for (int i = 0; i < count; i++) {
			int keyLength = RecordBatches.readVarint(in);
			if (keyLength < 0) {
				throw new CorruptRecordException("a header has a name of " + keyLength + " bytes", null);
			}
			this.headers[i * 4] = skip(in, keyLength, end);
			this.headers[i * 4 + 1] = keyLength;
			int valueLength = RecordBatches.readVarint(in);
			this.headers[i * 4 + 2] = skip(in, valueLength, end);
			this.headers[i * 4 + 3] = valueLength;
		}
		this.headerCount = count;
		if (in.position() != end) {
			throw new CorruptRecordException("a record's fields take " + (in.position() - end + length)
					+ " bytes, not the " + length + " it declares", null);
		}
	}

	/** Skips a field of {@code length} bytes (-1 for none) and returns where it starts. */
	private static int skip(ByteBuffer in, int length, int end) {
		int position = in.position();
		if (length < -1 || (length > 0 && length > end - position)) {
			throw new CorruptRecordException("a record field of " + length + " bytes runs past its record", null);
		}
		if (length > 0) {
			in.position(position + length);
		}
		return position;
	}

}
