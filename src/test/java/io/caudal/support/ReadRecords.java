package io.caudal.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordCursor;

/** Records read through the door, copied out of their stored bytes for assertions. */
public final class ReadRecords {

	private ReadRecords() {
	}

	/** Every record of the reads, in order. */
	public static List<ReadRecord> of(List<PartitionRecords> reads) {
		List<ReadRecord> records = new ArrayList<>();
		for (PartitionRecords read : reads) {
			RecordCursor cursor = read.cursor();
			while (cursor.next()) {
				records.add(new ReadRecord(read.partition().topic(), read.partition().partition(), cursor.offset(),
						cursor.timestamp(), copy(cursor.buffer(), cursor.keyPosition(), cursor.keyLength()),
						copy(cursor.buffer(), cursor.valuePosition(), cursor.valueLength())));
			}
		}
		return records;
	}

	private static byte[] copy(ByteBuffer buffer, int position, int length) {
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		buffer.get(position, bytes);
		return bytes;
	}

	/**
	 * One record.
	 * @param key null for none
	 * @param value null for a tombstone
	 */
	public record ReadRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

		/** The value as UTF-8 text. */
		public String valueText() {
			return (this.value != null) ? new String(this.value, StandardCharsets.UTF_8) : null;
		}

	}

}
