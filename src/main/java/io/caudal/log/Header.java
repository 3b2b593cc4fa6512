package io.caudal.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record header, as in Kafka: a string key and an optional byte value. Arrays are not copied: do not change
 * them after handing them over. Equality compares the array contents.
 *
 * @param key the header name, never null
 * @param value the header value; null for none
 */
public record Header(String key, byte[] value) {

	/**
	 * @throws NullPointerException if {@code key} is null
	 */
	public Header {
		Objects.requireNonNull(key, "key");
	}

	/** The bytes this header counts towards a record's size: its key in UTF-8 plus its value. */
	public int sizeInBytes() {
		return this.key.getBytes(StandardCharsets.UTF_8).length + ((this.value != null) ? this.value.length : 0);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof Header header) && this.key.equals(header.key)
				&& Arrays.equals(this.value, header.value);
	}

	@Override
	public int hashCode() {
		return 31 * this.key.hashCode() + Arrays.hashCode(this.value);
	}

	@Override
	public String toString() {
		return "Header[key=" + this.key + ", value=" + ((this.value != null) ? this.value.length + " bytes" : "null")
				+ "]";
	}

}
