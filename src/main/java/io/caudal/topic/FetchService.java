package io.caudal.topic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.AppendWaiter;
import io.caudal.log.CorruptRecordException;
import io.caudal.log.FetchResult;
import io.caudal.log.Log;
import io.caudal.log.LogStorageException;
import io.caudal.log.OffsetOutOfRangeException;
import io.caudal.log.StoredRecord;
import io.caudal.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads records from a partition, at once or as a long poll. A waiting poll holds no thread: it
 * registers a waiter on the partition and is answered by the fetch executor when a record arrives
 * or its time is up.
 */
public class FetchService {

	private static final Logger logger = LoggerFactory.getLogger(FetchService.class);

	private final TopicRegistry topics;

	private final FetchLimits limits;

	private final Executor executor;

	private final Time time;

	private final MeterRegistry meters;

	private final AtomicInteger waitingPolls = new AtomicInteger();

	public FetchService(TopicRegistry topics, FetchLimits limits, Executor executor, Time time, MeterRegistry meters) {
		this.topics = topics;
		this.limits = limits;
		this.executor = executor;
		this.time = time;
		this.meters = meters;
		meters.gauge("caudal.fetch.waiting", this.waitingPolls);
	}

	public FetchLimits limits() {
		return this.limits;
	}

	/**
	 * Fetches records, waiting up to {@code waitMs} for the first one when none is there yet.
	 * @param maxRecords at least 1; lowered to the server's cap
	 * @param maxBytes at least 1; lowered to the server's cap
	 * @param waitMs 0 for no wait; lowered to the server's cap
	 * @throws CaudalException for an unknown topic or partition, or an offset out of range
	 */
	public CompletableFuture<Fetched> fetch(String topic, int partition, FetchPosition position, int maxRecords,
			int maxBytes, long waitMs) {
		long startNanos = this.time.nanoseconds();
		Log log = this.topics.log(topic, partition);
		long offset = resolve(topic, partition, log, position);
		int records = Math.min(maxRecords, this.limits.maxRecords());
		int bytes = Math.min(maxBytes, this.limits.maxBytes());
		Fetched fetched = read(topic, partition, log, offset, records, bytes);
		long wait = Math.min(waitMs, this.limits.maxWaitMs());
		if (!fetched.records().isEmpty() || wait <= 0 || !reserveWaitingPoll()) {
			return CompletableFuture.completedFuture(measured(topic, fetched, startNanos));
		}
		CompletableFuture<Void> arrived = new CompletableFuture<>();
		AppendWaiter waiter = log.awaitRecordsAfter(offset, () -> arrived.complete(null));
		return arrived.completeOnTimeout(null, wait, TimeUnit.MILLISECONDS).thenApplyAsync(ignored -> {
			waiter.cancel();
			this.waitingPolls.decrementAndGet();
			// The topic may have been deleted during the wait: that is a 404, not an empty answer.
			Log current = this.topics.log(topic, partition);
			return measured(topic, read(topic, partition, current, offset, records, bytes), startNanos);
		}, this.executor);
	}

	/**
	 * The first offset whose record timestamp is at or after {@code timestamp}, or the end offset.
	 */
	public long offsetForTimestamp(String topic, int partition, long timestamp) {
		Log log = this.topics.log(topic, partition);
		return guarded(topic, partition, () -> log.offsetForTimestamp(timestamp));
	}

	private static long resolve(String topic, int partition, Log log, FetchPosition position) {
		if (position instanceof FetchPosition.AtOffset at) {
			return at.offset();
		}
		if (position instanceof FetchPosition.AtTimestamp at) {
			return guarded(topic, partition, () -> log.offsetForTimestamp(at.timestamp()));
		}
		return (position instanceof FetchPosition.Earliest) ? log.logStartOffset() : log.logEndOffset();
	}

	/**
	 * Runs a read of the log, answering what the storage reports as the contract's problems. The
	 * engine's own message, which may name files, goes to the server log only.
	 */
	private static <T> T guarded(String topic, int partition, Supplier<T> read) {
		try {
			return read.get();
		}
		catch (OffsetOutOfRangeException ex) {
			throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
					"Offset " + ex.offset() + " is outside partition " + topic + "-" + partition + ", which holds ["
							+ ex.logStartOffset() + ", " + ex.logEndOffset() + "].",
					Map.of("startOffset", ex.logStartOffset(), "endOffset", ex.logEndOffset()));
		}
		catch (CorruptRecordException ex) {
			logger.warn("{}-{} - A read hit a corrupt batch; it is not served.", topic, partition, ex);
			throw new CaudalException(ErrorCode.STORAGE_ERROR,
					"Partition " + topic + "-" + partition + " holds a corrupt batch there; it is not served.");
		}
		catch (LogStorageException ex) {
			logger.warn("{}-{} - A read failed.", topic, partition, ex);
			throw new CaudalException(ErrorCode.STORAGE_ERROR,
					"Partition " + topic + "-" + partition + " cannot be read now.");
		}
	}

	private boolean reserveWaitingPoll() {
		if (this.waitingPolls.incrementAndGet() > this.limits.maxWaitingPolls()) {
			this.waitingPolls.decrementAndGet();
			return false;
		}
		return true;
	}

	private Fetched read(String topic, int partition, Log log, long offset, int maxRecords, int maxBytes) {
		FetchResult result = guarded(topic, partition, () -> log.read(offset, maxRecords, maxBytes));
		List<ConsumedRecord> records = result.records()
			.stream()
			.map(stored -> ConsumedRecord.of(topic, partition, stored))
			.toList();
		long bytes = result.records().stream().mapToLong(StoredRecord::sizeInBytes).sum();
		return new Fetched(records, result.nextOffset(), result.logStartOffset(), result.logEndOffset(), bytes);
	}

	private Fetched measured(String topic, Fetched fetched, long startNanos) {
		TopicMeters.fetched(this.meters, topic, fetched.records().size(), fetched.bytes(),
				this.time.nanoseconds() - startNanos);
		return fetched;
	}

}
