package io.caudal.log;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A record read back from a log, with the offset it was given. Equality compares the array contents.
 *
 * @param offset the record's offset in its partition
 * @param timestamp the record's timestamp in epoch milliseconds
 * @param key the key; null for none
 * @param value the value; null for a tombstone
 * @param headers the headers, in order, never null
 */
public record StoredRecord(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

	public StoredRecord {
		headers = (headers != null) ? List.copyOf(headers) : List.of();
	}

	/** This record's size as {@link LogRecord#sizeInBytes(LogRecord)} counts it, in bytes. */
	public int sizeInBytes() {
		return LogRecord.sizeInBytes(this.key, this.value, this.headers);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof StoredRecord record) && this.offset == record.offset
				&& this.timestamp == record.timestamp && Arrays.equals(this.key, record.key)
				&& Arrays.equals(this.value, record.value) && this.headers.equals(record.headers);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.offset, this.timestamp, Arrays.hashCode(this.key), Arrays.hashCode(this.value),
				this.headers);
	}

	@Override
	public String toString() {
		return "StoredRecord[offset=" + this.offset + ", timestamp=" + this.timestamp + ", key="
				+ LogRecord.describe(this.key) + ", value=" + LogRecord.describe(this.value) + ", headers="
				+ this.headers + "]";
	}

}
