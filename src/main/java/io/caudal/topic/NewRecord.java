package io.caudal.topic;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A record on its way into a partition, checked and with its timestamp resolved. Arrays are not copied: do not
 * change them after handing them over. Equality compares the array contents.
 *
 * @param key the key; null for none
 * @param value the value; null for a tombstone
 * @param headers the headers, in order, never null
 * @param timestamp epoch milliseconds, 0 or more
 */
public record NewRecord(byte[] key, byte[] value, List<RecordHeader> headers, long timestamp) {

	public NewRecord {
		headers = List.copyOf(headers);
	}

	/**
	 * The size of a record as {@code max.message.bytes} and {@code maxBytes} count it: key plus value plus every
	 * header's UTF-8 name and value, in bytes. The one definition of a record's size above the engine.
	 * @return the size, saturated at {@link Integer#MAX_VALUE} (larger than any allowed limit)
	 */
	public int sizeInBytes() {
		long bytes = ((this.key != null) ? this.key.length : 0) + (long) ((this.value != null) ? this.value.length : 0);
		for (RecordHeader header : this.headers) {
			bytes += header.sizeInBytes();
		}
		return (int) Math.min(bytes, Integer.MAX_VALUE);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof NewRecord record) && Arrays.equals(this.key, record.key)
				&& Arrays.equals(this.value, record.value) && this.headers.equals(record.headers)
				&& this.timestamp == record.timestamp;
	}

	@Override
	public int hashCode() {
		return Objects.hash(Arrays.hashCode(this.key), Arrays.hashCode(this.value), this.headers, this.timestamp);
	}

	@Override
	public String toString() {
		return "NewRecord[key=" + describe(this.key) + ", value=" + describe(this.value) + ", headers=" + this.headers
				+ ", timestamp=" + this.timestamp + "]";
	}

	private static String describe(byte[] bytes) {
		return (bytes != null) ? bytes.length + " bytes" : "null";
	}

}
