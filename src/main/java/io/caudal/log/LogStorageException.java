package io.caudal.log;

/**
 * The partition could not store an append: a write or fsync failed (the partition then refuses writes until it
 * can write again), the log is closed, or the writer's queue stayed full. Nothing of the failed append was
 * published.
 */
public class LogStorageException extends RuntimeException {

	/**
	 * @param message a sentence naming the partition and what failed
	 * @param cause the I/O failure, or null
	 */
	public LogStorageException(String message, Throwable cause) {
		super(message, cause);
	}

}
