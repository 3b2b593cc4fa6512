package io.caudal.sse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.caudal.config.CaudalProperties;
import io.caudal.budget.ByteBudget;
import io.caudal.concurrent.DaemonThreads;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.time.Time;
import io.caudal.topic.FetchPosition;
import io.caudal.security.PushThrottle;
import io.caudal.topic.FetchService;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicService;
import io.caudal.topic.TopicTail;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The open event streams of this server, at most {@code caudal.sse.max-streams}, and what they share: a few named
 * threads that write them ({@code caudal-sse-N}, each stream queued at most once) and one keeper thread that every
 * {@value #KEEPER_INTERVAL_MS} ms looks at each stream ({@link EventStream#check}). Publishes
 * {@code caudal.sse.streams} (open streams) and {@code caudal.sse.bytes.written}.
 * <p>
 * A lifecycle in the last phase: it ends every stream before the web server shuts down gracefully; clients
 * reconnect with their {@code Last-Event-ID} and lose nothing. Thread-safe.
 */
public class EventStreams implements SmartLifecycle, AutoCloseable {

	/**
	 * How often the keeper looks at every stream: its limits are whole seconds (send time, pings, heartbeats), and
	 * an idle server should not wake per stream more often than that.
	 */
	static final long KEEPER_INTERVAL_MS = 1000;

	private static final Logger logger = LoggerFactory.getLogger(EventStreams.class);

	private final TopicService topics;

	private final FetchService fetch;

	private final RecordEncoder encoder;

	private final CaudalProperties.Sse settings;

	private final Time time;

	private final ConcurrentMap<String, EventStream> streams = new ConcurrentHashMap<>();

	private final AtomicInteger reserved = new AtomicInteger();

	private final AtomicLong nextId = new AtomicLong();

	private final AtomicLong bytesWritten = new AtomicLong();

	private final ExecutorService executor;

	private final ByteBudget memory;

	private ScheduledExecutorService keeper;

	private volatile boolean running;

	/** @param memory what the events waiting to be written to all streams may hold together */
	public EventStreams(TopicService topics, FetchService fetch, RecordEncoder encoder, CaudalProperties.Sse settings,
			Time time, MeterRegistry meters, ByteBudget memory) {
		this.memory = memory;
		this.topics = topics;
		this.fetch = fetch;
		this.encoder = encoder;
		this.settings = settings;
		this.time = time;
		int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
		this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(settings.maxStreams()), DaemonThreads.numbered("caudal-sse-"));
		Gauge.builder("caudal.sse.streams", this.streams, ConcurrentMap::size)
			.description("Open Server-Sent Events streams")
			.register(meters);
		FunctionCounter.builder("caudal.sse.bytes.written", this.bytesWritten, AtomicLong::get)
			.description("Bytes written to Server-Sent Events streams")
			.baseUnit("bytes")
			.register(meters);
	}

	/**
	 * Starts a stream of a topic's records on this request, from {@code lastEventId} when the client resumes, else
	 * from {@code from}. Refusals come before anything is written, so they are ordinary problem answers.
	 * @param throttle slows the records to the caller's consumer quota
	 * @param whenClosed runs once when the stream ends, however it ends
	 * @return the stream, open until it ends
	 * @param from {@code earliest}, {@code latest} (the default) or {@code timestamp:T}
	 * @param lastEventId the {@code Last-Event-ID} header, or null
	 * @throws CaudalException {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#INVALID_REQUEST} for a bad
	 * {@code from} or id, {@link ErrorCode#RESOURCE_LIMIT} when {@code caudal.sse.max-streams} are open
	 */
	EventStream open(String topic, String from, String lastEventId, HttpServletRequest request,
			HttpServletResponse response, PushThrottle throttle, Runnable whenClosed) {
		TopicTail tail = tail(topic, from, lastEventId);
		if (this.reserved.incrementAndGet() > this.settings.maxStreams()) {
			this.reserved.decrementAndGet();
			tail.close();
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, this.settings.maxStreams() + " event streams are "
					+ "open, the most this server allows (caudal.sse.max-streams); try again later.");
		}
		String id = "e" + this.nextId.incrementAndGet();
		try {
			response.setStatus(HttpServletResponse.SC_OK);
			response.setContentType("text/event-stream;charset=UTF-8");
			response.setHeader("Cache-Control", "no-cache");
			// Tells nginx-like proxies not to hold events back in their buffers.
			response.setHeader("X-Accel-Buffering", "no");
			AsyncContext async = request.startAsync();
			async.setTimeout(0);
			EventStream stream = new EventStream(id, async, response.getOutputStream(), tail, this.encoder, this,
					throttle, whenClosed);
			this.streams.put(id, stream);
			stream.start();
			logger.debug("Stream {} - Following topic {} from {}.", id, topic,
					(lastEventId != null) ? "its last event" : from);
			return stream;
		}
		catch (IOException | RuntimeException ex) {
			this.reserved.decrementAndGet();
			tail.close();
			throw (ex instanceof IOException io) ? new UncheckedIOException(io) : (RuntimeException) ex;
		}
	}

	/** Runs a quick task after a delay, on the keeper thread. */
	void later(Runnable task, long delayNanos) {
		this.keeper.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public synchronized void start() {
		this.keeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-sse-keeper"));
		this.keeper.scheduleWithFixedDelay(this::checkAll, KEEPER_INTERVAL_MS, KEEPER_INTERVAL_MS,
				TimeUnit.MILLISECONDS);
		this.running = true;
	}

	/** Ends every stream, so clients reconnect (elsewhere) with their last event's id. */
	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.keeper != null) {
			this.keeper.shutdownNow();
			this.keeper = null;
		}
		List.copyOf(this.streams.values()).forEach(EventStream::close);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/** One pass of the keeper. Never throws. */
	void checkAll() {
		long now = this.time.nanoseconds();
		for (EventStream stream : this.streams.values()) {
			try {
				stream.check(now);
			}
			catch (RuntimeException ex) {
				logger.warn("Stream {} - The keeper's check failed; it is tried again at the next pass.", stream.id(),
						ex);
			}
		}
	}

	void remove(EventStream stream) {
		if (this.streams.remove(stream.id(), stream)) {
			this.reserved.decrementAndGet();
		}
	}

	void written(long bytes) {
		this.bytesWritten.addAndGet(bytes);
	}

	Executor executor() {
		return this.executor;
	}

	Time time() {
		return this.time;
	}

	long maxEventBytes() {
		return this.settings.maxEventSize().toBytes();
	}

	ByteBudget memory() {
		return this.memory;
	}

	long keepAliveIntervalNanos() {
		return this.settings.keepAliveInterval().toNanos();
	}

	long sendTimeLimitNanos() {
		return this.settings.sendTimeLimit().toNanos();
	}

	private TopicTail tail(String topic, String from, String lastEventId) {
		if (lastEventId == null) {
			FetchPosition start = (from != null) ? FetchPosition.parseStart(from) : new FetchPosition.Latest();
			return TopicTail.open(this.topics, this.fetch, topic, start);
		}
		List<Long> positions = EventId.decode(lastEventId);
		int partitions = this.topics.topic(topic).partitions();
		if (positions.size() > partitions) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Header 'Last-Event-ID' names " + positions.size()
					+ " partitions but topic '" + topic + "' has " + partitions + "; reconnect without it.");
		}
		return TopicTail.resume(this.topics, this.fetch, topic, positions);
	}


}
