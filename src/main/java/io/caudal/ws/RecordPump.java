package io.caudal.ws;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.caudal.security.PushThrottle;

/**
 * Moves records from one socket's {@link RecordSource} to its {@link Outbound}, as far as the
 * client's {@link Credit} and the room in the send buffer allow. Delivery is pushed, not polled:
 * the pump runs only when something may let it go on (records arrived, credit was granted, a frame
 * was written, the source changed or has something to send), each of which calls
 * {@link #schedule()}. A run sends at most one {@code records} frame and, when it could send more,
 * schedules itself again behind the other sockets' runs, so sockets take turns on the shared
 * executor. An idle socket holds no thread and costs no CPU: it waits on its source's append
 * signals.
 *
 * <p>
 * Thread-safe. Runs of one pump never overlap: {@link #schedule()} counts requests, and only the
 * call that finds none pending submits a run; a run that ends with requests pending submits the
 * next one.
 */
final class RecordPump {

	/**
	 * Fewer bytes than the JSON of any record takes ({@code {"topic":…,"partition":…}} with no key, value or
	 * headers). Reading at most one record per this many bytes of room keeps a read from fetching many more small
	 * records than the frame can hold.
	 */
	static final int MIN_RECORD_BYTES = 64;

	private final RecordSource source;

	private final Credit credit;

	private final Outbound outbound;

	private final Executor executor;

	private final Connection connection;

	private final PushThrottle throttle;

	private final BiConsumer<Runnable, Long> later;

	private final AtomicInteger requests = new AtomicInteger();

	/**
	 * @param connection where frames go and failures are reported
	 * @param throttle the principal's consumer quota
	 * @param later runs a task after a delay in nanoseconds, for a throttled socket
	 */
	RecordPump(RecordSource source, Credit credit, Outbound outbound, Executor executor, Connection connection,
			PushThrottle throttle, BiConsumer<Runnable, Long> later) {
		this.source = source;
		this.credit = credit;
		this.outbound = outbound;
		this.executor = executor;
		this.connection = connection;
		this.throttle = throttle;
		this.later = later;
	}

	/** Asks for a run; cheap, never blocks, callable from any thread (a log writer's too). */
	void schedule() {
		if (this.requests.getAndIncrement() == 0) {
			submit();
		}
	}

	private void submit() {
		try {
			this.executor.execute(this::run);
		}
		catch (RejectedExecutionException ex) {
			this.connection.shutDown();
		}
	}

	private void run() {
		int seen = this.requests.get();
		try {
			if (pumpOneFrame()) {
				this.requests.incrementAndGet();
			}
		}
		catch (Throwable ex) {
			// The socket ends, never the pump thread; nothing it queued but did not write is ever committed.
			this.connection.fail(ex);
		}
		finally {
			if (this.requests.addAndGet(-seen) > 0) {
				submit();
			}
		}
	}

	/**
	 * Lets the source {@link RecordSource#maintain maintain} itself, then sends one frame if credit,
	 * room and records allow: no more records than the credit, and no more bytes as encoded than the
	 * room left in the send buffer (unless one record alone is larger). Returns whether another frame
	 * may follow.
	 */
	private boolean pumpOneFrame() {
		if (this.connection.isClosing()) {
			return false;
		}
		if (this.outbound.room() == 0) {
			// A written frame, this socket's or another's when the shared budget is full, schedules the next run.
			this.outbound.awaitSharedRoom();
			return false;
		}
		this.source.maintain();
		long available = this.credit.available();
		long room = this.outbound.room();
		if (available == 0 || room == 0) {
			// Credit or a written frame will schedule the next run.
			if (room == 0) {
				this.outbound.awaitSharedRoom();
			}
			return false;
		}
		long wait = this.throttle.delayNanos();
		if (wait > 0) {
			this.later.accept(this::schedule, wait);
			return false;
		}
		int maxRecords = (int) Math.min(available, Math.max(1, room / MIN_RECORD_BYTES));
		RecordsFrame frame = this.source.next(maxRecords, room);
		if (frame == null) {
			this.source.awaitRecords(this::schedule);
			return false;
		}
		this.credit.spend(frame.records());
		this.throttle.sent(frame.bytes().remaining());
		this.connection.sendFrame(frame.bytes(), frame.whenWritten());
		return true;
	}

}
