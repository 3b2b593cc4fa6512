package io.caudal.ws;

import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.topic.ConsumedRecord;

/**
 * Where one socket's records come from: every partition of a topic for a tail, a member's
 * assignment for a group socket. A {@link RecordPump} reads it whenever the client has credit and
 * the socket has room, and asks to be woken when a read finds nothing.
 *
 * <p>
 * {@link #maintain}, {@link #read} and {@link #awaitRecords} are called by the socket's pump, one
 * call at a time; {@link #changed} by the session keeper's thread and {@link #close} by any
 * thread, concurrently with them.
 */
interface RecordSource {

	/**
	 * Does what must reach the client in order with the records, whatever the credit: the pump
	 * calls it at the start of each run while the socket has room in its send buffer, before it
	 * looks at the credit. A group member sends its new assignment here, so that no record of a
	 * partition follows the frame that took the partition away. Nothing by default.
	 * @throws CaudalException when the socket cannot go on, as {@link #read} does
	 */
	default void maintain() {
	}

	/**
	 * The records available now, without waiting; they count as delivered once returned.
	 * @param maxRecords at least 1
	 * @param maxBytes at least 1; at least one record is returned when one is available, even if it
	 * alone is larger
	 * @return up to {@code maxRecords} records, each partition's in offset order; empty if none
	 * @throws CaudalException when the socket cannot go on, such as {@code TOPIC_NOT_FOUND} for a
	 * deleted topic or {@code STORAGE_ERROR}
	 */
	List<ConsumedRecord> read(int maxRecords, int maxBytes);

	/**
	 * Arranges for {@code wakeup} to run once records may be available to {@link #read}: at once if
	 * they already are. Called after a read that found nothing. {@code wakeup} may run on a log's
	 * writer thread and only schedules work.
	 * @throws CaudalException as {@link #read} does
	 */
	void awaitRecords(Runnable wakeup);

	/**
	 * Whether something changed that no wakeup announces (a topic grew), so that the pump should
	 * read again. Polled a few times a second by the keeper; must be cheap.
	 * @throws CaudalException when the socket cannot go on, such as {@code TOPIC_NOT_FOUND} for a
	 * deleted topic
	 */
	boolean changed();

	/** Cancels every wait; later wakeups never run. Idempotent. */
	void close();

}
