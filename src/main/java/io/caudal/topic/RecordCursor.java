package io.caudal.topic;

import java.nio.ByteBuffer;

/**
 * Walks the records of a {@link PartitionRecords} in offset order without copying them: each field is a position
 * and a length in {@link #buffer()}. Engines hand out the bytes they hold; nothing here allocates per record for
 * the file engine.
 * <p>
 * Not thread-safe: one cursor per reader. Positions are valid until the next {@link #next()}.
 */
public interface RecordCursor {

	/** Moves to the next record; false when there is none. */
	boolean next();

	long offset();

	/** Epoch milliseconds. */
	long timestamp();

	/** The bytes holding the current record's fields; index it absolutely with the positions below. */
	ByteBuffer buffer();

	int keyPosition();

	/** The key's length in bytes, or -1 for no key. */
	int keyLength();

	int valuePosition();

	/** The value's length in bytes, or -1 for a tombstone. */
	int valueLength();

	int headerCount();

	int headerKeyPosition(int header);

	/** The length of the header's name, UTF-8 as Kafka writes it. */
	int headerKeyLength(int header);

	int headerValuePosition(int header);

	/** The header value's length in bytes, or -1 for none. */
	int headerValueLength(int header);

}
