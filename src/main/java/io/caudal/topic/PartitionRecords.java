package io.caudal.topic;

/**
 * Records read from one partition, in offset order, with where to read next and the partition's bounds: what a
 * fetch, a group poll or a push delivers. The bytes are read once from the storage and written to clients from
 * there (see {@link RecordEncoder}); nothing decodes a value. Immutable; a new {@link #cursor()} per reader.
 */
public interface PartitionRecords {

	TopicPartition partition();

	/** The offset the read started at. */
	long fromOffset();

	/** One past the last record, or {@link #fromOffset()} when there is none. */
	long nextOffset();

	/** The partition's first offset as of the read. */
	long startOffset();

	/** The offset the partition's next record will get, as of the read. */
	long endOffset();

	/** How many records. */
	int count();

	/** Their size as {@code maxBytes} counts it: key, value and header bytes. */
	long sizeInBytes();

	/** The memory these records hold while they are kept, in bytes. */
	long bufferedBytes();

	/** A new cursor from the first record. */
	RecordCursor cursor();

	default boolean isEmpty() {
		return count() == 0;
	}

}
