package io.caudal.topic;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.caudal.budget.ByteBudget;
import io.caudal.budget.Held;
import io.caudal.budget.Reservation;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.time.Time;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The door to records for every reader: HTTP fetches, group polls, socket pushes and event streams read, resolve
 * positions and wait through here, so there is one set of caps and one way to wait.
 * <p>
 * Long polls (HTTP fetches and group polls alike) hold no thread: they wait on the partitions' append signals
 * ({@link RecordWait}) and are answered on the fetch executor. At most {@code caudal.fetch.max-waiting-polls} wait
 * at once, over both kinds; past it a poll answers at once. Pushes (sockets, streams) wait the same way without a
 * timeout; their own limits bound them. Thread-safe.
 */
public class FetchService {

	/** An answer gets at least this much room, or waits for it: fewer bytes would mean a record per answer. */
	private static final int MIN_ANSWER_BYTES = 64 * 1024;

	/** How long a read waits for the answer budget to have room before it is refused. */
	private static final long BUDGET_WAIT_MS = 100;

	private final Storage storage;

	private final FetchLimits limits;

	private final Executor executor;

	private final Time time;

	private final MeterRegistry meters;

	private final AtomicInteger waitingPolls = new AtomicInteger();

	private final ByteBudget answers;

	/**
	 * @param answers the memory that answers being read and written may hold together
	 */
	public FetchService(Storage storage, FetchLimits limits, Executor executor, Time time, MeterRegistry meters,
			ByteBudget answers) {
		this.storage = storage;
		this.limits = limits;
		this.executor = executor;
		this.time = time;
		this.meters = meters;
		this.answers = answers;
		meters.gauge("caudal.fetch.waiting", this.waitingPolls);
	}

	public FetchLimits limits() {
		return this.limits;
	}

	/**
	 * An HTTP fetch: reads records, waiting up to {@code waitMs} for the first one when none is there yet. The
	 * records hold memory of the answer budget until the caller releases them, once written.
	 * @param maxRecords at least 1; lowered to the server's cap
	 * @param maxBytes at least 1; lowered to the server's cap, and to what the answer budget has free
	 * @param waitMs 0 for no wait; lowered to the server's cap
	 * @throws CaudalException for an unknown topic or partition, an offset out of range, or
	 * {@link ErrorCode#RESOURCE_LIMIT} when the answer budget stays full
	 */
	public CompletableFuture<Held<PartitionRecords>> fetch(String topic, int partition, FetchPosition position,
			int maxRecords, int maxBytes, long waitMs) {
		long startNanos = this.time.nanoseconds();
		TopicPartition tp = new TopicPartition(topic, partition);
		long offset = resolve(tp, position);
		Held<PartitionRecords> records = readHeld(tp, offset, maxRecords, maxBytes);
		if (!records.value().isEmpty() || waitMs <= 0) {
			return CompletableFuture.completedFuture(measured(records, startNanos));
		}
		records.release();
		// The topic may be deleted during the wait: the read after it answers 404, not an empty answer.
		CompletableFuture<Void> waited = longPoll(Map.of(tp, offset), waitMs);
		return cancelling(waited, waited.thenApplyAsync(
				woken -> measured(readHeld(tp, offset, maxRecords, maxBytes), startNanos), this.executor));
	}

	/**
	 * Reserves memory for an answer of up to {@code maxBytes} of records (lowered to the server's cap), or less when
	 * the answer budget has less free; waits briefly when it has almost none.
	 * @throws CaudalException {@link ErrorCode#RESOURCE_LIMIT} when the budget stays full
	 */
	public Reservation reserveAnswer(int maxBytes) {
		long wanted = Math.min(maxBytes, this.limits.maxBytes());
		Reservation reservation;
		try {
			reservation = this.answers.reserveUpTo(wanted, Math.min(wanted, MIN_ANSWER_BYTES), BUDGET_WAIT_MS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			reservation = null;
		}
		if (reservation == null) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server holds as many records for answers as its "
					+ "memory allows (caudal.fetch.max-buffered-bytes). Retry shortly.",
					Map.of(CaudalException.RETRY_AFTER_SECONDS, 1));
		}
		return reservation;
	}

	/**
	 * Makes a reservation match the memory the records read within it hold: a record larger than the room asked for
	 * comes back whole, so it may hold more.
	 */
	public static void holdExactly(Reservation reservation, long bufferedBytes) {
		long held = reservation.bytes();
		if (bufferedBytes > held) {
			// Best effort: the overshoot is one record, bounded by max.message.bytes.
			reservation.tryGrow(bufferedBytes - held);
		}
		else {
			reservation.shrinkTo(bufferedBytes);
		}
	}

	private Held<PartitionRecords> readHeld(TopicPartition tp, long offset, int maxRecords, int maxBytes) {
		Reservation memory = reserveAnswer(maxBytes);
		try {
			PartitionRecords records = read(tp, offset, maxRecords, (int) Math.max(1, memory.bytes()));
			holdExactly(memory, records.bufferedBytes());
			return new Held<>(records, memory);
		}
		catch (RuntimeException ex) {
			memory.release();
			throw ex;
		}
	}

	/**
	 * {@code answer}, which cancels {@code wait} when it is cancelled itself: a client that goes away frees its long
	 * poll's slot and signals at once, not when the wait would have ended.
	 */
	public static <T> CompletableFuture<T> cancelling(CompletableFuture<?> wait, CompletableFuture<T> answer) {
		answer.whenComplete((value, failure) -> {
			if (failure instanceof CancellationException) {
				wait.cancel(false);
			}
		});
		return answer;
	}

	/**
	 * Reads a partition at once, the limits lowered to the server's caps.
	 * @param maxRecords at least 1
	 * @param maxBytes at least 1; one record comes back when one is available, even if it alone is larger
	 * @throws CaudalException as {@link Storage#read} does
	 */
	public PartitionRecords read(TopicPartition partition, long offset, int maxRecords, int maxBytes) {
		return this.storage.read(partition, offset, Math.min(maxRecords, this.limits.maxRecords()),
				Math.min(maxBytes, this.limits.maxBytes()));
	}

	/**
	 * Where a position points in a partition now.
	 * @throws CaudalException as {@link Storage#state} and {@link Storage#offsetForTimestamp} do
	 */
	public long resolve(TopicPartition partition, FetchPosition position) {
		if (position instanceof FetchPosition.AtOffset at) {
			return at.offset();
		}
		if (position instanceof FetchPosition.AtTimestamp at) {
			return this.storage.offsetForTimestamp(partition, at.timestamp());
		}
		PartitionState state = this.storage.state(partition);
		return (position instanceof FetchPosition.Earliest) ? state.startOffset() : state.endOffset();
	}

	/** A partition's offsets and size now. @throws CaudalException for an unknown topic or partition */
	public PartitionState state(TopicPartition partition) {
		return this.storage.state(partition);
	}

	/** The first offset whose record timestamp is at or after {@code timestamp}, or the end offset. */
	public long offsetForTimestamp(TopicPartition partition, long timestamp) {
		return this.storage.offsetForTimestamp(partition, timestamp);
	}

	/**
	 * Waits for a record at any of the positions, for at most {@code waitMs} (lowered to the cap). The future
	 * completes with null when one arrives, when the wait ends, or when anyone completes it early (a group member's
	 * news does); it is complete at once when {@code caudal.fetch.max-waiting-polls} polls already wait. Cancel it to
	 * stop waiting: every registration and the poll's slot are let go however it ends.
	 * @param positions each partition with the offset its reader reads next
	 */
	public CompletableFuture<Void> longPoll(Map<TopicPartition, Long> positions, long waitMs) {
		long wait = Math.min(waitMs, this.limits.maxWaitMs());
		if (wait <= 0 || this.waitingPolls.incrementAndGet() > this.limits.maxWaitingPolls()) {
			if (wait > 0) {
				this.waitingPolls.decrementAndGet();
			}
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> woken = new CompletableFuture<>();
		RecordWait registration = RecordWait.start(this.storage, positions, () -> woken.complete(null));
		woken.whenComplete((ignored, failure) -> {
			registration.cancel();
			this.waitingPolls.decrementAndGet();
		});
		woken.completeOnTimeout(null, wait, TimeUnit.MILLISECONDS);
		return woken;
	}

	/**
	 * Waits, without a timeout, for a record at any of the positions: what a push (a socket, an event stream) does
	 * when it has caught up. Not counted as a waiting poll.
	 * @param wakeup runs once, quickly and without blocking, possibly on a storage thread
	 */
	public RecordWait await(Map<TopicPartition, Long> positions, Runnable wakeup) {
		return RecordWait.start(this.storage, positions, wakeup);
	}

	/** A partition's offsets and size now, or empty when its topic or the partition is gone. */
	public Optional<PartitionState> findState(TopicPartition partition) {
		try {
			return Optional.of(this.storage.state(partition));
		}
		catch (CaudalException ex) {
			if (ex.code() == ErrorCode.TOPIC_NOT_FOUND || ex.code() == ErrorCode.PARTITION_NOT_FOUND) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	private Held<PartitionRecords> measured(Held<PartitionRecords> records, long startNanos) {
		TopicMeters.fetchLatency(this.meters, records.value().partition().topic(), this.time.nanoseconds() - startNanos);
		return records;
	}

}
