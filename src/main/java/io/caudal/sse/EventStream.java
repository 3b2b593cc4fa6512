package io.caudal.sse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import io.caudal.budget.Reservation;
import io.caudal.error.CaudalException;
import io.caudal.security.PushThrottle;
import io.caudal.topic.FetchService;
import io.caudal.topic.JsonOutput;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events stream: the records of a topic's partitions, followed by a {@link TopicTail}, written as
 * {@code event: records} events whose {@code data} is the fetch shape and whose {@code id} is the stream's position
 * after them ({@link EventId}). Before anything else the stream sends an id alone, so a client that reconnects
 * before the first event still resumes where it started. A position retention deleted is reported as a
 * {@code skip} event before the stream goes on from the partition's start; a deleted topic ends the stream with an
 * {@code error} event.
 * <p>
 * Writes never block: the response is written with the servlet container's non-blocking output, and the next
 * event is read from the storage only once the container says the previous one is on its way. So a slow client
 * holds at most one event, never a backlog, and no thread waits for it. Runs of one stream never overlap (a request
 * counter, as the WebSocket pump does); they take turns with the other streams on the registry's threads.
 * <p>
 * Thread-safe: runs on the registry's executor, the container's threads (write possible, errors, completion), the
 * storage's threads (an append wakes it) and the registry's keeper.
 */
final class EventStream implements WriteListener, AsyncListener {

	private static final Logger logger = LoggerFactory.getLogger(EventStream.class);

	private static final byte[] RECORDS_EVENT = ascii("event: records\ndata: {\"records\":[");

	private static final byte[] END_OF_RECORDS = ascii("]}\n");

	private static final byte[] KEEP_ALIVE = ascii(": keep-alive\n\n");

	/** The fewest bytes a record takes in an event, so a read does not fetch many more records than fit. */
	private static final int MIN_RECORD_BYTES = 64;

	/** An event gets at least this much of the budget, or waits for it: less would mean a record per event. */
	private static final int MIN_EVENT_ROOM_BYTES = 16 * 1024;

	private final String id;

	private final AsyncContext async;

	private final ServletOutputStream out;

	private final TopicTail tail;

	private final RecordEncoder encoder;

	private final EventStreams streams;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Whether the stream's first block, its starting id, was written; the runs' alone. */
	private boolean started;

	/** Whether bytes were written that the container may still hold in its buffer unflushed; the runs' alone. */
	private boolean flushPending;

	private volatile boolean keepAliveDue;

	private volatile CaudalException failure;

	/** When the container last said it could not take more, or -1 while it can; for the send time limit. */
	private volatile long blockedSinceNanos = -1;

	private volatile long lastWriteNanos;

	/** The memory of the event being written, from the streams' budget; given back once the container took it. */
	private volatile Reservation eventMemory;

	/** Slows the records to the principal's consumer quota. */
	private final PushThrottle throttle;

	/** Runs once when the stream ends: gives back what its principal holds for it. */
	private final Runnable whenClosed;

	EventStream(String id, AsyncContext async, ServletOutputStream out, TopicTail tail, RecordEncoder encoder,
			EventStreams streams, PushThrottle throttle, Runnable whenClosed) {
		this.throttle = throttle;
		this.whenClosed = whenClosed;
		this.id = id;
		this.async = async;
		this.out = out;
		this.tail = tail;
		this.encoder = encoder;
		this.streams = streams;
		this.lastWriteNanos = streams.time().nanoseconds();
	}

	String id() {
		return this.id;
	}

	/** Starts writing once the container calls back that the response can take bytes. */
	void start() {
		this.async.addListener(this);
		this.out.setWriteListener(this);
	}

	/** Asks for a run; cheap, never blocks, callable from any thread. */
	void schedule() {
		if (this.requests.getAndIncrement() == 0) {
			submit();
		}
	}

	/**
	 * The keeper's periodic look: drops a client that has not taken an event for the send time limit, asks for a
	 * keep-alive comment on an idle stream, wakes the stream when its topic grew, and ends it when its topic is gone.
	 */
	void check(long nowNanos) {
		long blockedSince = this.blockedSinceNanos;
		if (blockedSince >= 0 && nowNanos - blockedSince > this.streams.sendTimeLimitNanos()) {
			logger.info("Stream {} - The client took no event for {} ms; dropping it.", this.id,
					(nowNanos - blockedSince) / 1_000_000);
			close();
			return;
		}
		if (nowNanos - this.lastWriteNanos >= this.streams.keepAliveIntervalNanos()) {
			this.keepAliveDue = true;
			schedule();
		}
		try {
			if (this.tail.changed()) {
				schedule();
			}
		}
		catch (CaudalException ex) {
			fail(ex);
		}
	}

	/** Whether the stream still runs. */
	boolean isOpen() {
		return !this.closed.get();
	}

	/** Ends the stream with an {@code error} event, written as soon as the client can take it. */
	void fail(CaudalException ex) {
		this.failure = ex;
		schedule();
	}

	/** Ends the stream at once. Idempotent; never throws. */
	void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.tail.close();
		this.streams.remove(this);
		this.whenClosed.run();
		// A close from another thread may race a run; a reservation given back twice is given back once.
		releaseEventMemory();
		try {
			this.async.complete();
		}
		catch (IllegalStateException ex) {
			logger.debug("Stream {} - Already complete.", this.id, ex);
		}
	}

	@Override
	public void onWritePossible() {
		this.blockedSinceNanos = -1;
		schedule();
	}

	@Override
	public void onError(Throwable error) {
		logger.debug("Stream {} - Writing failed; the client went away.", this.id, error);
		close();
	}

	@Override
	public void onComplete(AsyncEvent event) {
		close();
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		close();
	}

	@Override
	public void onError(AsyncEvent event) {
		close();
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

	private void submit() {
		try {
			this.streams.executor().execute(this::run);
		}
		catch (RejectedExecutionException ex) {
			close();
		}
	}

	private void run() {
		int seen = this.requests.get();
		try {
			if (writeOneBlock()) {
				this.requests.incrementAndGet();
			}
		}
		catch (CaudalException ex) {
			if (this.failure == null) {
				fail(ex);
			}
			else {
				close();
			}
		}
		catch (IOException ex) {
			logger.debug("Stream {} - Writing failed; the client went away.", this.id, ex);
			close();
		}
		catch (RuntimeException ex) {
			logger.error("Stream {} - Failed unexpectedly; closing it.", this.id, ex);
			close();
		}
		finally {
			if (this.requests.addAndGet(-seen) > 0 && !this.closed.get()) {
				submit();
			}
		}
	}

	/**
	 * Writes the next block the client should get, if the container can take it now: the starting id, a skip, an
	 * error, records, or a keep-alive comment. Returns whether another block may follow at once.
	 */
	private boolean writeOneBlock() throws IOException {
		if (this.closed.get()) {
			return false;
		}
		if (!ready()) {
			return false;
		}
		if (this.flushPending) {
			this.flushPending = false;
			this.out.flush();
			if (!ready()) {
				return false;
			}
		}
		releaseEventMemory();
		CaudalException failed = this.failure;
		if (failed != null) {
			write(errorEvent(failed));
			close();
			return false;
		}
		if (!this.started) {
			this.started = true;
			write(ascii("id: " + EventId.encode(this.tail.positions()) + "\n\n"));
			return true;
		}
		long wait = this.throttle.delayNanos();
		if (wait > 0) {
			// Over its consumer quota: the records come later, the stream stays.
			this.streams.later(this::schedule, wait);
			return false;
		}
		long maxEventBytes = this.streams.maxEventBytes();
		Reservation memory = this.streams.memory().reserveUpTo(maxEventBytes, Math.min(maxEventBytes,
				MIN_EVENT_ROOM_BYTES));
		if (memory == null) {
			// Other streams hold the budget; the first one that writes its event lets this one go on.
			this.streams.memory().whenAvailable(this::schedule);
			return false;
		}
		this.eventMemory = memory;
		long maxBytes = memory.bytes();
		List<PartitionRecords> reads = this.tail.read((int) Math.max(1, maxBytes / MIN_RECORD_BYTES),
				(int) Math.min(maxBytes, Integer.MAX_VALUE));
		List<TopicTail.Skip> skips = this.tail.takeSkips();
		if (!skips.isEmpty()) {
			// Said before any record past the gap; what was read is read again by the next run.
			write(skipEvents(skips));
			return true;
		}
		if (reads.isEmpty()) {
			releaseEventMemory();
			if (this.keepAliveDue) {
				write(KEEP_ALIVE);
			}
			this.tail.await(this::schedule);
			return false;
		}
		ByteBuffer event = recordsEvent(reads, maxBytes);
		FetchService.holdExactly(memory, event.remaining());
		this.throttle.sent(event.remaining());
		write(event);
		if (!this.flushPending) {
			releaseEventMemory();
		}
		return true;
	}

	private void releaseEventMemory() {
		Reservation memory = this.eventMemory;
		if (memory != null) {
			this.eventMemory = null;
			memory.release();
		}
	}

	/**
	 * {@code event: records}, the records that fit in {@code maxBytes} as encoded, then the id of the position after
	 * them. The tail's positions move past exactly the records written.
	 */
	private ByteBuffer recordsEvent(List<PartitionRecords> reads, long maxBytes) {
		long expected = Math.min(maxBytes, RecordEncoder.estimatedBytes(reads));
		JsonOutput event = JsonOutput.singleLine((int) Math.min(expected + 1024, Integer.MAX_VALUE - 8));
		event.raw(RECORDS_EVENT);
		int written = 0;
		long limit = RECORDS_EVENT.length + maxBytes;
		for (PartitionRecords read : reads) {
			if (written > 0 && event.size() >= limit) {
				break;
			}
			RecordEncoder.Written part = this.encoder.write(event, read, written == 0, limit);
			if (part.records() > 0) {
				this.tail.delivered(read.partition().partition(), part.nextOffset());
				written += part.records();
			}
		}
		event.raw(END_OF_RECORDS).raw(ascii("id: " + EventId.encode(this.tail.positions()) + "\n\n"));
		return event.toByteBuffer();
	}

	private ByteBuffer skipEvents(List<TopicTail.Skip> skips) {
		StringBuilder events = new StringBuilder();
		for (TopicTail.Skip skip : skips) {
			events.append("event: skip\ndata: {\"topic\":\"")
				.append(this.tail.topic())
				.append("\",\"partition\":")
				.append(skip.partition())
				.append(",\"fromOffset\":")
				.append(skip.fromOffset())
				.append(",\"toOffset\":")
				.append(skip.toOffset())
				.append("}\n");
		}
		events.append("id: ").append(EventId.encode(this.tail.positions())).append("\n\n");
		return ByteBuffer.wrap(ascii(events.toString()));
	}

	private static ByteBuffer errorEvent(CaudalException failure) {
		JsonOutput event = JsonOutput.singleLine(256);
		event.raw(ascii("event: error\ndata: {\"code\":\""))
			.raw(ascii(failure.code().name()))
			.raw(ascii("\",\"message\":"))
			.string(failure.getMessage())
			.raw(ascii("}\n\n"));
		return event.toByteBuffer();
	}

	private void write(byte[] bytes) throws IOException {
		write(ByteBuffer.wrap(bytes));
	}

	/**
	 * Whether the container can take bytes now. When it cannot, it calls {@link #onWritePossible()} once the client
	 * has taken what it holds; until then nothing more is read or written.
	 */
	private boolean ready() {
		if (this.out.isReady()) {
			return true;
		}
		if (this.blockedSinceNanos < 0) {
			this.blockedSinceNanos = this.streams.time().nanoseconds();
		}
		return false;
	}

	/**
	 * Writes an event and pushes it out at once when the container can; otherwise the container holds the rest and
	 * the next run flushes. In non-blocking mode a flush, like a write, is allowed only while the output is ready.
	 */
	private void write(ByteBuffer bytes) throws IOException {
		this.out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
		if (this.out.isReady()) {
			this.out.flush();
		}
		else {
			this.flushPending = true;
		}
		this.lastWriteNanos = this.streams.time().nanoseconds();
		this.keepAliveDue = false;
		this.streams.written(bytes.remaining());
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
