package io.caudal.log;

/**
 * A record is larger than the partition's {@code max.message.bytes}, counted as
 * {@link LogRecord#sizeInBytes(LogRecord)} counts it. Thrown by {@link PartitionLog#append(java.util.List)} before anything
 * is queued, so nothing of the append is written.
 */
public class RecordTooLargeException extends RuntimeException {

	private final int recordIndex;

	private final int recordBytes;

	private final int maxMessageBytes;

	/**
	 * @param logName the partition, e.g. {@code orders-2}
	 * @param recordIndex the position of the record in the appended list, from 0
	 * @param recordBytes the record's size in bytes
	 * @param maxMessageBytes the partition's limit in bytes
	 */
	public RecordTooLargeException(String logName, int recordIndex, int recordBytes, int maxMessageBytes) {
		super("Record " + recordIndex + " is " + recordBytes + " bytes (key, value and headers); " + logName
				+ " accepts at most " + maxMessageBytes + " bytes (max.message.bytes).");
		this.recordIndex = recordIndex;
		this.recordBytes = recordBytes;
		this.maxMessageBytes = maxMessageBytes;
	}

	/** The position of the oversized record in the appended list, from 0. */
	public int recordIndex() {
		return this.recordIndex;
	}

	/** The oversized record's size in bytes. */
	public int recordBytes() {
		return this.recordBytes;
	}

	/** The partition's limit in bytes. */
	public int maxMessageBytes() {
		return this.maxMessageBytes;
	}

}
