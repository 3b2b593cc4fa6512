package io.caudal.topic;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Writes records in the contract's fetch shape, as UTF-8 JSON bytes copied from the stored bytes:
 * {@code {"topic","partition","offset","timestamp","key"|"keyBytes","value"|"valueBytes","headers"[,"headerBytes"]}}.
 * A key that is valid UTF-8 is a JSON string ({@code null} for none), any other is base64 {@code keyBytes}; a value
 * that is exactly one JSON value is copied as it is ({@code null} for a tombstone), any other is base64
 * {@code valueBytes}; header values that are not UTF-8 go to {@code headerBytes}; of headers sharing a name the last
 * wins. Values are classified here, once per delivery, by one zero-allocation scan ({@link JsonValidator}),
 * whoever wrote them.
 * <p>
 * Every record that leaves Caudal (HTTP fetches and polls, socket frames, events) is written here, so this is where
 * records out are counted ({@code caudal.records.out}, {@code caudal.bytes.out}). Thread-safe.
 */
public final class RecordEncoder {

	private static final byte[] TOPIC = ascii("{\"topic\":\"");

	private static final byte[] PARTITION = ascii("\",\"partition\":");

	private static final byte[] OFFSET = ascii(",\"offset\":");

	private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");

	private static final byte[] NO_KEY = ascii(",\"key\":null");

	private static final byte[] KEY = ascii(",\"key\":");

	private static final byte[] KEY_BYTES = ascii(",\"keyBytes\":");

	private static final byte[] TOMBSTONE = ascii(",\"value\":null");

	private static final byte[] VALUE = ascii(",\"value\":");

	private static final byte[] VALUE_BYTES = ascii(",\"valueBytes\":");

	private static final byte[] HEADERS = ascii(",\"headers\":{");

	private static final byte[] HEADER_BYTES = ascii("},\"headerBytes\":{");

	private static final byte[] NULL = ascii("null");

	/**
	 * About what a record's JSON adds to its key, value and header bytes: the field names and numbers of a record of
	 * a short topic name. For sizing buffers, not for limits.
	 */
	private static final int TYPICAL_OVERHEAD_BYTES = 110;

	private final MeterRegistry meters;

	public RecordEncoder(MeterRegistry meters) {
		this.meters = meters;
	}

	/** About how many bytes these records take as JSON, so that an output can be sized once. */
	public static long estimatedBytes(List<PartitionRecords> reads) {
		long bytes = 0;
		for (PartitionRecords read : reads) {
			bytes += read.sizeInBytes() + (long) read.count() * TYPICAL_OVERHEAD_BYTES;
		}
		return bytes;
	}

	/**
	 * Writes every record as elements of a JSON array that is already open.
	 * @param first whether the array has no element yet (no comma before the first record)
	 * @return how many records were written
	 */
	public int write(JsonOutput out, PartitionRecords records, boolean first) {
		return write(out, records, first, Long.MAX_VALUE).records();
	}

	/**
	 * Writes records as elements of a JSON array that is already open, stopping before the record that would take
	 * the output past {@code limitBytes}; the first record of the array is written whatever its size, so that a
	 * large record still goes out.
	 * @param first whether the array has no element yet
	 * @param limitBytes the output size ({@link JsonOutput#size()}) not to pass, for in-memory output
	 * @return how many records were written and the offset after the last of them
	 */
	public Written write(JsonOutput out, PartitionRecords records, boolean first, long limitBytes) {
		if (records.isEmpty()) {
			return new Written(0, records.fromOffset());
		}
		TopicPartition partition = records.partition();
		byte[] prefix = prefix(partition);
		JsonValidator json = new JsonValidator();
		RecordCursor cursor = records.cursor();
		boolean firstInArray = first;
		int written = 0;
		long bytes = 0;
		long nextOffset = records.fromOffset();
		while (cursor.next()) {
			long before = out.size();
			if (!firstInArray) {
				out.raw(',');
			}
			writeRecord(out, prefix, cursor, json);
			if (!firstInArray && out.size() > limitBytes) {
				out.truncate(before);
				break;
			}
			firstInArray = false;
			written++;
			bytes += sizeInBytes(cursor);
			nextOffset = cursor.offset() + 1;
		}
		TopicMeters.delivered(this.meters, partition.topic(), written, bytes);
		return new Written(written, nextOffset);
	}

	private static void writeRecord(JsonOutput out, byte[] prefix, RecordCursor record, JsonValidator json) {
		ByteBuffer buffer = record.buffer();
		out.raw(prefix).number(record.offset()).raw(TIMESTAMP).number(record.timestamp());
		int keyLength = record.keyLength();
		if (keyLength < 0) {
			out.raw(NO_KEY);
		}
		else if (Utf8.isValid(buffer, record.keyPosition(), keyLength)) {
			out.raw(KEY).string(buffer, record.keyPosition(), keyLength);
		}
		else {
			out.raw(KEY_BYTES).base64(buffer, record.keyPosition(), keyLength);
		}
		int valueLength = record.valueLength();
		if (valueLength < 0) {
			out.raw(TOMBSTONE);
		}
		else if (json.isJson(buffer, record.valuePosition(), valueLength)) {
			out.raw(VALUE).raw(buffer, record.valuePosition(), valueLength);
		}
		else {
			out.raw(VALUE_BYTES).base64(buffer, record.valuePosition(), valueLength);
		}
		out.raw(HEADERS);
		boolean binaryHeaders = writeHeaders(out, record, false);
		if (binaryHeaders) {
			out.raw(HEADER_BYTES);
			writeHeaders(out, record, true);
		}
		out.raw('}').raw('}');
	}

	/**
	 * Writes the headers whose value is UTF-8 (or, with {@code binary}, those whose value is not, in base64).
	 * @return whether some header's value is not UTF-8
	 */
	private static boolean writeHeaders(JsonOutput out, RecordCursor record, boolean binary) {
		ByteBuffer buffer = record.buffer();
		boolean first = true;
		boolean other = false;
		for (int i = 0; i < record.headerCount(); i++) {
			if (shadowed(record, i)) {
				continue;
			}
			int valueLength = record.headerValueLength(i);
			boolean utf8 = valueLength < 0 || Utf8.isValid(buffer, record.headerValuePosition(i), valueLength);
			if (utf8 == binary) {
				other = true;
				continue;
			}
			if (!first) {
				out.raw(',');
			}
			first = false;
			out.string(buffer, record.headerKeyPosition(i), record.headerKeyLength(i)).raw(':');
			if (valueLength < 0) {
				out.raw(NULL);
			}
			else if (binary) {
				out.base64(buffer, record.headerValuePosition(i), valueLength);
			}
			else {
				out.string(buffer, record.headerValuePosition(i), valueLength);
			}
		}
		return other;
	}

	/** Whether a later header has the same name: JSON objects keep one value per name, and the last one wins. */
	private static boolean shadowed(RecordCursor record, int header) {
		ByteBuffer buffer = record.buffer();
		int position = record.headerKeyPosition(header);
		int length = record.headerKeyLength(header);
		for (int later = header + 1; later < record.headerCount(); later++) {
			if (record.headerKeyLength(later) == length
					&& sameBytes(buffer, position, record.headerKeyPosition(later), length)) {
				return true;
			}
		}
		return false;
	}

	private static boolean sameBytes(ByteBuffer buffer, int a, int b, int length) {
		for (int i = 0; i < length; i++) {
			if (buffer.get(a + i) != buffer.get(b + i)) {
				return false;
			}
		}
		return true;
	}

	private static long sizeInBytes(RecordCursor record) {
		long bytes = Math.max(record.keyLength(), 0) + Math.max(record.valueLength(), 0);
		for (int i = 0; i < record.headerCount(); i++) {
			bytes += record.headerKeyLength(i) + Math.max(record.headerValueLength(i), 0);
		}
		return bytes;
	}

	/** {@code {"topic":"<name>","partition":<n>,"offset":}; topic names need no escaping (Kafka's rule). */
	private static byte[] prefix(TopicPartition partition) {
		JsonOutput prefix = JsonOutput.inMemory(64);
		prefix.raw(TOPIC).raw(ascii(partition.topic())).raw(PARTITION).number(partition.partition()).raw(OFFSET);
		ByteBuffer bytes = prefix.toByteBuffer();
		byte[] copy = new byte[bytes.remaining()];
		bytes.get(copy);
		return copy;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * What a bounded {@link RecordEncoder#write(JsonOutput, PartitionRecords, boolean, long) write} wrote.
	 * @param records how many records
	 * @param nextOffset the offset after the last record written; the read's start when none was
	 */
	public record Written(int records, long nextOffset) {
	}

}
