package io.caudal.topic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record header above the storage engine, as in Kafka: a name and an optional byte value. The array is not
 * copied: do not change it after handing it over. Equality compares the array contents.
 *
 * @param key the header name, never null
 * @param value the header value; null for none
 */
public record RecordHeader(String key, byte[] value) {

	public RecordHeader {
		Objects.requireNonNull(key, "key");
	}

	/** The bytes this header counts towards a record's size: its name in UTF-8 plus its value. */
	public int sizeInBytes() {
		return this.key.getBytes(StandardCharsets.UTF_8).length + ((this.value != null) ? this.value.length : 0);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof RecordHeader header) && this.key.equals(header.key)
				&& Arrays.equals(this.value, header.value);
	}

	@Override
	public int hashCode() {
		return 31 * this.key.hashCode() + Arrays.hashCode(this.value);
	}

	@Override
	public String toString() {
		return "RecordHeader[key=" + this.key + ", value="
				+ ((this.value != null) ? this.value.length + " bytes" : "null") + "]";
	}

}
