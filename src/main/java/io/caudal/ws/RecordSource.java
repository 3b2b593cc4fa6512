package io.caudal.ws;

import io.caudal.error.CaudalException;

/**
 * Where one socket's records come from: every partition of a topic for a tail, a member's assignment for a group
 * socket. A {@link RecordPump} asks it for a frame whenever the client has credit and the socket has room, and
 * asks to be woken when none is available.
 * <p>
 * {@link #maintain}, {@link #next} and {@link #awaitRecords} are called by the socket's pump, one call at a time;
 * {@link #changed} by the session keeper's thread and {@link #close} by any thread, concurrently with them.
 */
interface RecordSource {

	/**
	 * Does what must reach the client in order with the records, whatever the credit: the pump calls it at the start
	 * of each run while the socket has room in its send buffer, before it looks at the credit. A group member sends
	 * its new assignment here, so that no record of a partition follows the frame that took the partition away.
	 * Nothing by default.
	 * @throws CaudalException when the socket cannot go on, as {@link #next} does
	 */
	default void maintain() {
	}

	/**
	 * The records available now, without waiting, as one frame: at most {@code maxRecords}, and within
	 * {@code maxBytes} as encoded unless a single record is larger. The source moves its positions past exactly the
	 * records the frame holds: they count as delivered once returned.
	 * @param maxRecords at least 1
	 * @param maxBytes at least 1
	 * @return the frame, or null when no record is available now
	 * @throws CaudalException when the socket cannot go on, such as {@code TOPIC_NOT_FOUND} for a deleted topic or
	 * {@code STORAGE_ERROR}
	 */
	RecordsFrame next(int maxRecords, long maxBytes);

	/**
	 * Arranges for {@code wakeup} to run once records may be available to {@link #next}: at once if they already
	 * are. Called after {@link #next} found nothing. {@code wakeup} may run on a storage thread and only schedules
	 * work.
	 * @throws CaudalException as {@link #next} does
	 */
	void awaitRecords(Runnable wakeup);

	/**
	 * Whether something changed that no wakeup announces (a topic grew), so that the pump should read again. Polled a
	 * few times a second by the keeper; must be cheap.
	 * @throws CaudalException when the socket cannot go on, such as {@code TOPIC_NOT_FOUND} for a deleted topic
	 */
	boolean changed();

	/** Cancels every wait; later wakeups never run. Idempotent. */
	void close();

}
