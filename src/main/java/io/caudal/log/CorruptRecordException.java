package io.caudal.log;

/**
 * A read met a record batch that fails its checks (CRC32C, length, magic, offsets): the batch is never served.
 */
public class CorruptRecordException extends RuntimeException {

	/**
	 * @param message a sentence naming the file, position and the check that failed
	 * @param cause the underlying failure, or null
	 */
	public CorruptRecordException(String message, Throwable cause) {
		super(message, cause);
	}

}
