package io.caudal.ws;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.PushThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;

/**
 * One open socket: its bounded {@link Outbound}, the client's {@link Credit}, the
 * {@link RecordPump} that feeds it once {@link #start started}, and its liveness, which the
 * {@link SessionRegistry}'s keeper {@link #check checks}. Handlers translate frames into calls on
 * it; it decides how the socket ends.
 *
 * <p>
 * Close codes:
 * <ul>
 * <li>1008 (policy violation) after an {@code error} frame with a client's mistake the socket
 * cannot go past: an unknown topic, a bad query parameter; and for a group socket, a member no
 * longer in its group ({@code UNKNOWN_MEMBER}) or without an offset to start from
 * ({@code NO_COMMITTED_OFFSET}, {@code OFFSET_OUT_OF_RANGE} with autoOffsetReset none);</li>
 * <li>1011 (server error) after an {@code error} frame with {@code STORAGE_ERROR} or
 * {@code INTERNAL_ERROR};</li>
 * <li>1013 (try again later) when {@code caudal.websocket.max-sessions} sockets are open;</li>
 * <li>4500 (Spring's "session not reliable") when the client does not keep up: a frame unwritten
 * after {@code send-time-limit}, a send buffer full, or a ping unanswered by the next one;</li>
 * <li>1001 (going away) when the server shuts down; 1009 (too big), from the container, for a
 * client message over {@code max-message-size}.</li>
 * </ul>
 *
 * <p>
 * Thread-safe: calls come from the container's threads, the pump executor, log writer threads and
 * the keeper.
 */
final class Connection {

	/** The client does not keep up, or no longer answers. */
	static final CloseStatus NOT_KEEPING_UP = CloseStatus.SESSION_NOT_RELIABLE;

	private static final Logger logger = LoggerFactory.getLogger(Connection.class);

	private volatile PushThrottle throttle = PushThrottle.NONE;

	private final String id;

	private final SocketTransport transport;

	private final SessionRegistry registry;

	private final Outbound outbound;

	private final Credit credit = new Credit();

	/** Set once the socket is ending: no frames are accepted and the pump stops. */
	private final AtomicBoolean closing = new AtomicBoolean();

	private final AtomicBoolean transportClosed = new AtomicBoolean();

	private final AtomicBoolean released = new AtomicBoolean();

	private volatile RecordSource source;

	private volatile RecordPump pump;

	private volatile long lastPingNanos;

	private volatile boolean pingUnanswered;

	Connection(String id, SocketTransport transport, SessionRegistry registry) {
		this.id = id;
		this.transport = transport;
		this.registry = registry;
		this.outbound = new Outbound(transport, registry.sendBufferBytes(), registry.frames(), registry.time(),
				this::wake, this::writeFailed);
		this.lastPingNanos = registry.time().nanoseconds();
	}

	String id() {
		return this.id;
	}

	/** Slows this socket's records to a consumer quota; call before {@link #start}. */
	void throttleBy(PushThrottle throttle) {
		this.throttle = throttle;
	}

	/**
	 * Starts pushing records from {@code source}, as far as {@code initialCredit} allows.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} if the credit is below 1
	 */
	void start(RecordSource source, long initialCredit) {
		this.credit.grant(initialCredit);
		this.source = source;
		this.pump = new RecordPump(source, this.credit, this.outbound, this.registry.pumpExecutor(), this,
				this.throttle, this.registry::later);
		if (this.closing.get()) {
			// Closed while starting: the close could not stop a source it did not see yet.
			source.close();
			return;
		}
		this.pump.schedule();
	}

	/**
	 * Adds credit from a {@code credit} message.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} if {@code records} is null or below 1
	 */
	void grant(Long records) {
		if (records == null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "A credit message needs \"records\".");
		}
		this.credit.grant(records);
		wake();
	}

	/**
	 * Asks the pump for a run: room was freed, or the source has something to send (a group
	 * member's new assignment). Cheap, never blocks, callable from any thread; nothing before
	 * {@link #start}.
	 */
	void wake() {
		RecordPump current = this.pump;
		if (current != null) {
			current.schedule();
		}
	}

	/** The client answered a ping or sent a message: it is alive. */
	void heard() {
		this.pingUnanswered = false;
	}

	/**
	 * Queues a message for the client. A full send buffer means the client does not keep up: the
	 * socket is closed (4500).
	 * @return whether the message was queued
	 */
	boolean send(ServerMessage message) {
		return send(message, null);
	}

	/**
	 * Queues a message as {@link #send(ServerMessage)} does.
	 * @param whenWritten runs once the socket has written it, or null
	 */
	boolean send(ServerMessage message, Runnable whenWritten) {
		return sendFrame(this.registry.codec().encode(message), whenWritten);
	}

	/**
	 * Queues a frame of UTF-8 JSON for the client, as {@link #send(ServerMessage)} does.
	 * @param whenWritten runs once the socket has written it, or null
	 * @return whether the frame was queued
	 */
	boolean sendFrame(ByteBuffer frame, Runnable whenWritten) {
		if (this.outbound.offer(frame, whenWritten)) {
			return true;
		}
		if (!this.closing.get()) {
			close(NOT_KEEPING_UP.withReason("The send buffer is full: the client does not read fast enough."));
		}
		return false;
	}

	/** Answers a message that could not be done with an {@code error} frame; the socket stays open. */
	void reject(CaudalException ex) {
		send(ServerMessage.Problem.of(ex));
	}

	/**
	 * Ends the socket because it cannot go on: an {@code error} frame, then close with 1008 for a
	 * client's mistake or 1011 for a failure of the server (logged with its cause).
	 */
	void fail(Throwable ex) {
		CaudalException failure;
		if (ex instanceof CaudalException caudal) {
			failure = caudal;
		}
		else {
			logger.error("Socket {} - Failed unexpectedly; closing it.", this.id, ex);
			failure = new CaudalException(ErrorCode.INTERNAL_ERROR,
					"The server failed to serve this socket; the failure has been logged.");
		}
		if (!this.closing.compareAndSet(false, true)) {
			return;
		}
		stopSource();
		CloseStatus status = (failure.code().status() < 500) ? CloseStatus.POLICY_VIOLATION
				: CloseStatus.SERVER_ERROR;
		logger.debug("Socket {} - Closing with {} after error {}: {}", this.id, status.getCode(), failure.code(),
				failure.getMessage());
		// Written before finishing, which refuses further frames; a full buffer leaves it out.
		this.outbound.offer(this.registry.codec().encode(ServerMessage.Problem.of(failure)), null);
		this.outbound.finish(() -> closeTransport(status.withReason(failure.code().name())));
	}

	/** Closes the socket at once, dropping what is unsent. Idempotent. */
	void close(CloseStatus status) {
		if (!this.transportClosed.get()) {
			logger.info("Socket {} - Closing with {}: {}", this.id, status.getCode(), status.getReason());
		}
		this.closing.set(true);
		stopSource();
		this.outbound.discard();
		closeTransport(status);
		release();
	}

	/** The socket has closed, whoever closed it: lets go of everything. Idempotent. */
	void closed(CloseStatus status) {
		this.closing.set(true);
		this.transportClosed.set(true);
		stopSource();
		this.outbound.discard();
		if (release()) {
			logger.debug("Socket {} - Closed with {}.", this.id, status);
		}
	}

	boolean isClosing() {
		return this.closing.get();
	}

	/** Bytes waiting to be written to this socket. */
	long bufferedBytes() {
		return this.outbound.bufferedBytes();
	}

	/**
	 * The keeper's periodic look: closes a socket whose frame in flight waited past the send time
	 * limit, or whose last ping went unanswered for a ping interval; pings it every ping interval;
	 * wakes the pump if the source changed, and ends the socket if its source cannot go on (a
	 * deleted topic). Runs on the keeper thread only.
	 * @param nowNanos the current {@code Time.nanoseconds()}
	 */
	void check(long nowNanos) {
		long writingNanos = this.outbound.writingNanos(nowNanos);
		if (writingNanos > this.registry.sendTimeLimitNanos()) {
			close(NOT_KEEPING_UP.withReason("A frame waited " + TimeUnit.NANOSECONDS.toMillis(writingNanos)
					+ " ms to be written: the client does not read fast enough."));
			return;
		}
		boolean pingDue = nowNanos - this.lastPingNanos >= this.registry.pingIntervalNanos();
		if (pingDue && this.pingUnanswered) {
			close(NOT_KEEPING_UP.withReason("The client did not answer a ping within "
					+ TimeUnit.NANOSECONDS.toMillis(this.registry.pingIntervalNanos()) + " ms."));
			return;
		}
		if (pingDue) {
			// Set first: the pong may arrive before ping() returns.
			this.pingUnanswered = true;
			if (this.outbound.ping(this.registry.pingExecutor())) {
				this.lastPingNanos = nowNanos;
			}
			else {
				this.pingUnanswered = false;
			}
		}
		RecordSource currentSource = this.source;
		RecordPump currentPump = this.pump;
		try {
			if (currentPump != null && !this.closing.get() && currentSource.changed()) {
				currentPump.schedule();
			}
		}
		catch (CaudalException ex) {
			fail(ex);
		}
	}

	/** Closes the socket (1001) because the server is shutting down. */
	void shutDown() {
		close(CloseStatus.GOING_AWAY.withReason("The server is shutting down."));
	}

	private void writeFailed(Throwable failure) {
		logger.debug("Socket {} - A frame could not be written; closing.", this.id, failure);
		close(CloseStatus.SERVER_ERROR.withReason("A frame could not be written."));
	}

	private void stopSource() {
		RecordSource current = this.source;
		if (current != null) {
			current.close();
		}
	}

	private void closeTransport(CloseStatus status) {
		if (this.transportClosed.compareAndSet(false, true)) {
			this.transport.close(status);
		}
	}

	private boolean release() {
		if (this.released.compareAndSet(false, true)) {
			this.registry.remove(this);
			return true;
		}
		return false;
	}

}
