package io.caudal.log;

/**
 * A read or lookup asked for an offset outside {@code [logStartOffset, logEndOffset]}: below the start (deleted by
 * retention, or never written) or past the end.
 */
public class OffsetOutOfRangeException extends RuntimeException {

	private final long offset;

	private final long logStartOffset;

	private final long logEndOffset;

	/**
	 * @param logName the partition, e.g. {@code orders-2}
	 * @param offset the offset asked for
	 * @param logStartOffset the log's first offset
	 * @param logEndOffset the log's end offset (the next offset to be assigned)
	 */
	public OffsetOutOfRangeException(String logName, long offset, long logStartOffset, long logEndOffset) {
		super("Offset " + offset + " is out of range for " + logName + ": it holds offsets [" + logStartOffset + ", "
				+ logEndOffset + "].");
		this.offset = offset;
		this.logStartOffset = logStartOffset;
		this.logEndOffset = logEndOffset;
	}

	/** The offset asked for. */
	public long offset() {
		return this.offset;
	}

	/** The log's first offset when the request was refused. */
	public long logStartOffset() {
		return this.logStartOffset;
	}

	/** The log's end offset when the request was refused. */
	public long logEndOffset() {
		return this.logEndOffset;
	}

}
