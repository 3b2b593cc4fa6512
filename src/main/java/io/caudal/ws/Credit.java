package io.caudal.ws;

import java.util.concurrent.atomic.AtomicLong;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * The records a client still lets the server send on one socket. The client grants records (the
 * {@code credit} query parameter, then {@code credit} messages); each record sent spends one.
 * Outstanding credit is capped at {@value #MAX_OUTSTANDING}: a grant beyond it raises the credit to
 * the cap and no further, so a client cannot make the server buffer without bound.
 *
 * <p>
 * Thread-safe. Grants come from the container's threads; only the socket's pump spends, one run at
 * a time, so credit it has seen can only grow until it spends it.
 */
final class Credit {

	static final long MAX_OUTSTANDING = 10_000;

	/** The first grant when a socket does not give one. */
	static final long DEFAULT_GRANT = 500;

	private final AtomicLong outstanding = new AtomicLong();

	/**
	 * Adds records to the credit, up to the cap.
	 * @param records at least 1
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} if {@code records} is below 1
	 */
	void grant(long records) {
		if (records < 1) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"Credit is a whole number of records of at least 1; " + records + " was given.");
		}
		long added = Math.min(records, MAX_OUTSTANDING);
		this.outstanding.accumulateAndGet(added, (current, grant) -> Math.min(MAX_OUTSTANDING, current + grant));
	}

	/** The records that may still be sent, 0 to {@value #MAX_OUTSTANDING}. */
	long available() {
		return this.outstanding.get();
	}

	/**
	 * Spends credit for records sent.
	 * @param records at most {@link #available()}
	 * @throws IllegalStateException if more is spent than was granted
	 */
	void spend(int records) {
		if (this.outstanding.addAndGet(-records) < 0) {
			throw new IllegalStateException("Spent " + records + " records of credit, more than was granted.");
		}
	}

}
