package io.caudal.log;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A record to append. Arrays are not copied: do not change them after handing them over. Equality compares the
 * array contents.
 *
 * @param key the key; null for none
 * @param value the value; null for a tombstone
 * @param headers the headers, in order; null means none
 * @param timestamp the record's timestamp in epoch milliseconds, already resolved by the caller; 0 or more
 */
public record LogRecord(byte[] key, byte[] value, List<Header> headers, long timestamp) {

	/**
	 * @throws IllegalArgumentException if {@code timestamp} is negative
	 * @throws NullPointerException if a header is null
	 */
	public LogRecord {
		headers = (headers != null) ? List.copyOf(headers) : List.of();
		if (timestamp < 0) {
			throw new IllegalArgumentException(
					"Timestamp " + timestamp + " is negative; timestamps are epoch milliseconds, 0 or more.");
		}
	}

	/**
	 * The size of a record as {@code max.message.bytes} counts it: key plus value plus every header's UTF-8 key
	 * and value, in bytes. This is the one definition of a record's size in Caudal.
	 * @return the size, saturated at {@link Integer#MAX_VALUE} (larger than any allowed limit)
	 */
	public static int sizeInBytes(LogRecord record) {
		return sizeInBytes(record.key, record.value, record.headers);
	}

	/**
	 * The size of a record's parts as {@link #sizeInBytes(LogRecord)} counts it.
	 * @param key the key, or null
	 * @param value the value, or null
	 * @param headers the headers, never null
	 * @return the size, saturated at {@link Integer#MAX_VALUE}
	 */
	public static int sizeInBytes(byte[] key, byte[] value, List<Header> headers) {
		long bytes = ((key != null) ? key.length : 0) + (long) ((value != null) ? value.length : 0);
		for (Header header : headers) {
			bytes += header.sizeInBytes();
		}
		return (int) Math.min(bytes, Integer.MAX_VALUE);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof LogRecord record) && Arrays.equals(this.key, record.key)
				&& Arrays.equals(this.value, record.value) && this.headers.equals(record.headers)
				&& this.timestamp == record.timestamp;
	}

	@Override
	public int hashCode() {
		return Objects.hash(Arrays.hashCode(this.key), Arrays.hashCode(this.value), this.headers, this.timestamp);
	}

	@Override
	public String toString() {
		return "LogRecord[key=" + describe(this.key) + ", value=" + describe(this.value) + ", headers="
				+ this.headers + ", timestamp=" + this.timestamp + "]";
	}

	static String describe(byte[] bytes) {
		return (bytes != null) ? bytes.length + " bytes" : "null";
	}

}
