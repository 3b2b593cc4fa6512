package io.caudal.ws;

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

import io.caudal.budget.ByteBudget;
import io.caudal.concurrent.DaemonThreads;
import io.caudal.config.CaudalProperties;
import io.caudal.time.Time;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.web.socket.CloseStatus;

/**
 * The open sockets of this server, at most {@code caudal.websocket.max-sessions}, and what they
 * share: the pump executor (a few named threads, each socket's runs queued at most once, so the
 * queue is bounded by the number of sockets) and one keeper thread that every
 * {@value #KEEPER_INTERVAL_MS} ms {@link Connection#check checks} every socket. Publishes the
 * gauges {@code caudal.websocket.sessions} (open sockets) and {@code caudal.websocket.send.buffered}
 * (bytes waiting to be written, over all sockets).
 *
 * <p>
 * A lifecycle in the last phase: it stops before the web server shuts down gracefully, so clients
 * get close 1001 rather than a dropped connection. Thread-safe.
 */
final class SessionRegistry implements SmartLifecycle, AutoCloseable {

	/**
	 * How often the keeper looks at every socket: its limits are whole seconds (send time, pings, heartbeats), and
	 * an idle server should not wake per socket more often than that.
	 */
	static final long KEEPER_INTERVAL_MS = 1000;

	/** Pings are small: two threads write them all unless clients stall, and then they only wait. */
	private static final int PING_THREADS = 2;

	private static final Logger logger = LoggerFactory.getLogger(SessionRegistry.class);

	private final CaudalProperties.Websocket settings;

	private final MessageCodec codec;

	private final Time time;

	private final MeterRegistry meters;

	private final ConcurrentMap<String, Connection> connections = new ConcurrentHashMap<>();

	private final AtomicInteger reserved = new AtomicInteger();

	private final Executor pumpExecutor;

	/** What the frames waiting for all sockets may hold together. */
	private final ByteBudget frames;

	/** Writes pings, which block, so that a client that stopped reading holds up no keeper and no pump. */
	private final ExecutorService pinger;

	private ScheduledExecutorService keeper;

	private volatile boolean running;

	/**
	 * @param pumpExecutor runs the pumps; {@link #pumpThreads} makes the server's, which
	 * {@link #close()} shuts down
	 * @param frames what the frames waiting for all sockets may hold together
	 */
	SessionRegistry(CaudalProperties.Websocket settings, MessageCodec codec, Time time, MeterRegistry meters,
			Executor pumpExecutor, ByteBudget frames) {
		this.settings = settings;
		this.frames = frames;
		this.codec = codec;
		this.time = time;
		this.meters = meters;
		this.pumpExecutor = pumpExecutor;
		this.pinger = new ThreadPoolExecutor(PING_THREADS, PING_THREADS, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(settings.maxSessions()), DaemonThreads.numbered("caudal-ws-ping-"));
		Gauge.builder("caudal.websocket.sessions", this.connections, ConcurrentMap::size)
			.description("Open WebSocket sessions")
			.register(meters);
		Gauge.builder("caudal.websocket.send.buffered", this.connections,
				open -> open.values().stream().mapToLong(Connection::bufferedBytes).sum())
			.description("Bytes of JSON waiting to be written to WebSocket clients, over all sockets")
			.baseUnit("bytes")
			.register(meters);
	}

	/**
	 * The pump executor of a server: one thread per processor (at least two), named
	 * {@code caudal-ws-pump-N}. Each socket has at most one run queued, so the queue's bound, the
	 * number of sockets allowed, is never reached while the server runs.
	 */
	static ExecutorService pumpThreads(int maxSessions) {
		int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
		return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(maxSessions),
				DaemonThreads.numbered("caudal-ws-pump-"));
	}

	/** Starts the keeper thread. */
	@Override
	public synchronized void start() {
		this.keeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-ws-keeper"));
		this.keeper.scheduleWithFixedDelay(this::checkAll, KEEPER_INTERVAL_MS, KEEPER_INTERVAL_MS,
				TimeUnit.MILLISECONDS);
		this.running = true;
	}

	/** Closes every socket (1001) and stops the keeper thread. */
	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.keeper != null) {
			this.keeper.shutdownNow();
			this.keeper = null;
		}
		for (Connection connection : List.copyOf(this.connections.values())) {
			connection.shutDown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops the pump and ping threads, once the application context closes. */
	@Override
	public void close() {
		if (this.pumpExecutor instanceof ExecutorService service) {
			service.shutdownNow();
		}
		this.pinger.shutdownNow();
	}

	/**
	 * Registers a new socket, or closes it at once (1013) when {@code max-sessions} are open.
	 * @return the connection, or null if the socket was refused
	 */
	Connection open(String id, SocketTransport transport) {
		if (this.reserved.incrementAndGet() > this.settings.maxSessions()) {
			this.reserved.decrementAndGet();
			logger.info("Socket {} - Refused: {} sockets are open, the most allowed (caudal.websocket.max-sessions).",
					id, this.settings.maxSessions());
			transport.close(CloseStatus.SERVICE_OVERLOAD
				.withReason("Too many open sockets: " + this.settings.maxSessions() + " is the most."));
			return null;
		}
		Connection connection = new Connection(id, transport, this);
		this.connections.put(id, connection);
		return connection;
	}

	/** The open socket with this id, or null. */
	Connection get(String id) {
		return this.connections.get(id);
	}

	void remove(Connection connection) {
		if (this.connections.remove(connection.id(), connection)) {
			this.reserved.decrementAndGet();
		}
	}

	MessageCodec codec() {
		return this.codec;
	}

	Time time() {
		return this.time;
	}

	Executor pumpExecutor() {
		return this.pumpExecutor;
	}

	/** Runs a quick task after a delay, on the keeper thread. */
	void later(Runnable task, long delayNanos) {
		this.keeper.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
	}

	Executor pingExecutor() {
		return this.pinger;
	}

	long sendBufferBytes() {
		return this.settings.sendBufferSize().toBytes();
	}

	ByteBudget frames() {
		return this.frames;
	}

	long sendTimeLimitNanos() {
		return this.settings.sendTimeLimit().toNanos();
	}

	long pingIntervalNanos() {
		return this.settings.pingInterval().toNanos();
	}

	/** One pass of the keeper. Never throws: a failing socket is logged, the others still run. */
	void checkAll() {
		long now = this.time.nanoseconds();
		for (Connection connection : this.connections.values()) {
			try {
				connection.check(now);
			}
			catch (Throwable ex) {
				// The socket ends, never the keeper: a keeper thread that died would stop every socket's checks.
				connection.fail(ex);
			}
		}
	}


}
