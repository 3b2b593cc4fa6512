package io.caudal.log;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The one adapter over kafka-clients' record classes: builds and reads Kafka record batches (magic v2, CRC32C,
 * uncompressed, CreateTime). No other class of the engine imports {@code org.apache.kafka}, so that a Kafka
 * upgrade that moves these internal classes (4.3 moves them to {@code org.apache.kafka.common.record.internal})
 * touches only this file.
 * <p>
 * A batch on disk is Kafka's: a 12-byte log overhead (base offset int64, length int32 counting what follows),
 * then partition leader epoch, magic, CRC32C (covering attributes to the end), attributes, last offset delta,
 * base and max timestamps, producer id/epoch, base sequence, record count (61 bytes in all), then the records.
 * Stateless and thread-safe.
 */
final class RecordBatches {

	/** Bytes of a v2 batch before its first record; also the smallest possible batch. */
	static final int HEADER_SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;

	/** Where a batch's record count (int32) sits; the records follow it. */
	static final int RECORDS_COUNT_OFFSET = DefaultRecordBatch.RECORDS_COUNT_OFFSET;

	// The v2 header: attributes (int16) come right after the CRC (int32), and baseTimestamp then maxTimestamp
	// (int64 each) right after lastOffsetDelta (int32). Kafka keeps these constants package-private.
	static final int ATTRIBUTES_OFFSET = DefaultRecordBatch.CRC_OFFSET + 4;

	static final int BASE_TIMESTAMP_OFFSET = DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET + 4;

	static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + 8;

	// Then producer id (int64), producer epoch (int16) and base sequence (int32).
	static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + 8;

	static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + 8;

	static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + 2;

	/** The attribute bits naming the compression codec; 0 is none. */
	static final int COMPRESSION_MASK = 0x07;

	/** The attribute bit set when timestamps are the broker's append time rather than the producer's. */
	static final int LOG_APPEND_TIME_FLAG = 0x08;

	private static final org.apache.kafka.common.header.Header[] NO_HEADERS = new org.apache.kafka.common.header.Header[0];

	private RecordBatches() {
	}

	/**
	 * A batch built by {@link #build(List)}, with base offset 0 until the writer
	 * {@link #assignOffsets(ByteBuffer, long) assigns} its offsets.
	 *
	 * @param buffer the batch bytes, from position 0 to the limit
	 * @param recordCount the number of records
	 * @param maxTimestamp the largest record timestamp
	 */
	record Batch(ByteBuffer buffer, int recordCount, long maxTimestamp) {

		int sizeInBytes() {
			return this.buffer.remaining();
		}

	}

	/**
	 * The fields of a batch header needed to walk a segment without decoding records.
	 *
	 * @param baseOffset the offset of the first record
	 * @param lastOffset the offset of the last record
	 * @param sizeInBytes the whole batch in bytes, log overhead included
	 * @param maxTimestamp the largest record timestamp
	 * @param tag the producer fields, or null when the producer id is -1
	 */
	record BatchHeader(long baseOffset, long lastOffset, int sizeInBytes, long maxTimestamp, BatchTag tag) {
	}

	/**
	 * Builds one uncompressed v2 batch with CreateTime timestamps and base offset 0, CRC included.
	 * @param records one or more records
	 * @param tag its producer fields, or null for none
	 * @throws IllegalArgumentException if the batch would not fit in 2 GiB
	 */
	static Batch build(List<LogRecord> records, BatchTag tag) {
		List<org.apache.kafka.common.header.Header[]> headers = new ArrayList<>(records.size());
		long estimate = HEADER_SIZE;
		for (LogRecord record : records) {
			org.apache.kafka.common.header.Header[] recordHeaders = toKafka(record.headers());
			headers.add(recordHeaders);
			estimate += AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.MAGIC_VALUE_V2,
					CompressionType.NONE, record.key(), record.value(), recordHeaders) - HEADER_SIZE;
		}
		if (estimate > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException(
					"A batch of " + records.size() + " records needs up to " + estimate + " bytes; the limit is 2 GiB.");
		}
		MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate((int) estimate),
				RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP,
				(tag != null) ? tag.id() : RecordBatch.NO_PRODUCER_ID,
				(tag != null) ? tag.epoch() : RecordBatch.NO_PRODUCER_EPOCH,
				(tag != null) ? tag.sequence() : RecordBatch.NO_SEQUENCE);
		long maxTimestamp = RecordBatch.NO_TIMESTAMP;
		for (int i = 0; i < records.size(); i++) {
			LogRecord record = records.get(i);
			builder.appendWithOffset(i, record.timestamp(), record.key(), record.value(), headers.get(i));
			maxTimestamp = Math.max(maxTimestamp, record.timestamp());
		}
		return new Batch(builder.build().buffer(), records.size(), maxTimestamp);
	}

	/**
	 * Gives a built batch its offsets, in place. The v2 CRC does not cover the base offset, so the CRC computed on
	 * the caller's thread stays valid; this is how Kafka's broker assigns offsets too.
	 */
	static void assignOffsets(ByteBuffer batch, long baseOffset) {
		MutableRecordBatch kafkaBatch = onlyBatch(batch);
		kafkaBatch.setLastOffset(baseOffset + (kafkaBatch.lastOffset() - kafkaBatch.baseOffset()));
	}

	/**
	 * Reads and checks the framing of the batch header at {@code index}: magic 2, a length that can hold a header,
	 * a non-negative base offset and last offset delta. Does not check the CRC.
	 * @param buffer holds at least {@link #HEADER_SIZE} bytes from {@code index}
	 * @throws CorruptRecordException if a check fails
	 */
	static BatchHeader header(ByteBuffer buffer, int index) {
		byte magic = buffer.get(index + Records.MAGIC_OFFSET);
		if (magic != RecordBatch.MAGIC_VALUE_V2) {
			throw new CorruptRecordException("the batch has magic " + magic + ", not " + RecordBatch.MAGIC_VALUE_V2,
					null);
		}
		int length = buffer.getInt(index + Records.SIZE_OFFSET);
		if (length < HEADER_SIZE - Records.LOG_OVERHEAD || length > Integer.MAX_VALUE - Records.LOG_OVERHEAD) {
			throw new CorruptRecordException("the batch declares an impossible length of " + length + " bytes", null);
		}
		long baseOffset = buffer.getLong(index + Records.OFFSET_OFFSET);
		int lastOffsetDelta = buffer.getInt(index + DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET);
		if (baseOffset < 0 || lastOffsetDelta < 0) {
			throw new CorruptRecordException(
					"the batch declares base offset " + baseOffset + " and last offset delta " + lastOffsetDelta, null);
		}
		long producerId = buffer.getLong(index + PRODUCER_ID_OFFSET);
		short producerEpoch = buffer.getShort(index + PRODUCER_EPOCH_OFFSET);
		int baseSequence = buffer.getInt(index + BASE_SEQUENCE_OFFSET);
		BatchTag tag = (producerId >= 0 && producerEpoch >= 0 && baseSequence >= 0)
				? new BatchTag(producerId, producerEpoch, baseSequence) : null;
		return new BatchHeader(baseOffset, baseOffset + lastOffsetDelta, Records.LOG_OVERHEAD + length,
				buffer.getLong(index + MAX_TIMESTAMP_OFFSET), tag);
	}

	/**
	 * Checks a whole batch's CRC32C and size.
	 * @param batch exactly one batch, from its position to its limit
	 * @throws CorruptRecordException if the batch is invalid
	 */
	static void ensureValid(ByteBuffer batch) {
		try {
			onlyBatch(batch).ensureValid();
		}
		catch (KafkaException ex) {
			throw new CorruptRecordException(ex.getMessage(), ex);
		}
	}

	/**
	 * Reads a varint (zig-zag, as record fields are encoded) at the buffer's position and moves past it.
	 * @throws CorruptRecordException if the varint is malformed or cut short
	 */
	static int readVarint(ByteBuffer buffer) {
		try {
			return ByteUtils.readVarint(buffer);
		}
		catch (IllegalArgumentException | BufferUnderflowException ex) {
			throw new CorruptRecordException("a record field cannot be decoded: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads a varlong (zig-zag) at the buffer's position and moves past it.
	 * @throws CorruptRecordException if the varlong is malformed or cut short
	 */
	static long readVarlong(ByteBuffer buffer) {
		try {
			return ByteUtils.readVarlong(buffer);
		}
		catch (IllegalArgumentException | BufferUnderflowException ex) {
			throw new CorruptRecordException("a record field cannot be decoded: " + ex.getMessage(), ex);
		}
	}

	private static MutableRecordBatch onlyBatch(ByteBuffer batch) {
		Iterator<MutableRecordBatch> batches;
		try {
			batches = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator();
			if (batches.hasNext()) {
				return batches.next();
			}
		}
		catch (KafkaException ex) {
			throw new CorruptRecordException(ex.getMessage(), ex);
		}
		throw new CorruptRecordException("the buffer of " + batch.remaining() + " bytes holds no whole batch", null);
	}

	private static org.apache.kafka.common.header.Header[] toKafka(List<Header> headers) {
		if (headers.isEmpty()) {
			return NO_HEADERS;
		}
		org.apache.kafka.common.header.Header[] kafkaHeaders = new org.apache.kafka.common.header.Header[headers
			.size()];
		for (int i = 0; i < kafkaHeaders.length; i++) {
			kafkaHeaders[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
		}
		return kafkaHeaders;
	}

}
