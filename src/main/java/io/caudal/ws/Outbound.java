package io.caudal.ws;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.caudal.budget.ByteBudget;
import io.caudal.budget.Reservation;
import io.caudal.time.Time;

/**
 * The frames waiting to be written to one socket: a FIFO holding at most about
 * {@code capacityBytes} bytes of UTF-8 JSON text, as encoded, of which one frame at a time is with the
 * transport, and counted against the budget all sockets share, so that their buffers together fit the heap.
 * Nothing here blocks. A frame is accepted while the buffer is below its capacity, so
 * it overshoots by at most one frame; a frame offered to a full buffer is refused and the caller
 * closes the socket. A client that stops reading leaves one frame in flight: {@link #writingNanos}
 * tells the session keeper for how long.
 *
 * <p>
 * Thread-safe: frames are offered from any thread, and the transport reports completions on the
 * container's threads. The transport is called outside the lock; a write that completes inside
 * {@code sendText} continues the loop instead of recursing.
 */
final class Outbound {

	private final SocketTransport transport;

	private final long capacityBytes;

	private final Time time;

	private final Runnable onRoom;

	private final Consumer<Throwable> onFailure;

	/**
	 * How many sockets may read into the shared budget at once, each with at least a send buffer's worth of room
	 * (see {@link #minSharedRoom}): 32 with the default budget and buffer.
	 */
	static final int SOCKETS_READING_AT_ONCE = 32;

	private final ByteBudget shared;

	/**
	 * The shared room below which this socket reads nothing more: a read may return one record larger than the room
	 * it is given, so reading into a sliver of room would put a whole record past the budget for each socket.
	 */
	private final long minSharedRoom;

	/** This socket's part of the shared budget: the frames queued and in flight that it could cover. */
	private final Reservation memory;

	private final AtomicBoolean waitingForShared = new AtomicBoolean();

	private final Object lock = new Object();

	private final ArrayDeque<Frame> queue = new ArrayDeque<>();

	/**
	 * A frame, how many of its bytes the shared budget covers (all, or none for a frame it had no room for), and what
	 * to run once it is written (or null).
	 */
	private record Frame(ByteBuffer bytes, long reserved, Runnable whenWritten) {
	}

	private long inFlightReserved;

	private Runnable inFlightWhenWritten;

	private long queuedBytes;

	private long inFlightBytes;

	/** Whether a frame or a ping is with the transport. */
	private boolean writing;

	/** Whether a thread is in the write loop. */
	private boolean draining;

	private long writeStartNanos;

	/** Set once no more frames are accepted: the socket is closing. */
	private boolean finished;

	/** What to run once everything queued is written, after {@link #finish}; null for nothing. */
	private Runnable whenFlushed;

	/**
	 * @param onRoom runs after each frame is written, so that a producer waiting for room goes on;
	 * it must only schedule work
	 * @param onFailure runs once when a write fails; nothing more is written then
	 */
	Outbound(SocketTransport transport, long capacityBytes, ByteBudget shared, Time time, Runnable onRoom,
			Consumer<Throwable> onFailure) {
		this.transport = transport;
		this.capacityBytes = capacityBytes;
		this.shared = shared;
		this.minSharedRoom = Math.min(capacityBytes, shared.maxBytes() / SOCKETS_READING_AT_ONCE);
		this.memory = shared.startReservation();
		this.time = time;
		this.onRoom = onRoom;
		this.onFailure = onFailure;
	}

	/**
	 * Queues a frame and starts writing it if nothing is being written.
	 * @param whenWritten runs once the frame is written, on the thread that learns it; or null
	 * @return false, and nothing queued, if the buffer is full or the socket is closing
	 */
	boolean offer(ByteBuffer frame, Runnable whenWritten) {
		synchronized (this.lock) {
			if (this.finished || this.queuedBytes + this.inFlightBytes >= this.capacityBytes) {
				return false;
			}
			// Records frames are read within the shared room; a control frame may go past it, by its few bytes.
			long reserved = this.memory.tryGrow(frame.remaining()) ? frame.remaining() : 0;
			this.queue.add(new Frame(frame, reserved, whenWritten));
			this.queuedBytes += frame.remaining();
		}
		drain();
		return true;
	}

	/** Bytes that may still be queued before this buffer or the shared budget is full; 0 when closing. */
	long room() {
		synchronized (this.lock) {
			long sharedRoom = this.shared.availableBytes();
			return (this.finished || sharedRoom < this.minSharedRoom) ? 0
					: Math.max(0, Math.min(sharedRoom, this.capacityBytes - this.queuedBytes - this.inFlightBytes));
		}
	}

	/**
	 * When the shared budget is what leaves no room, asks to be told ({@code onRoom}) once another socket's frame is
	 * written; this socket's own frames tell it otherwise.
	 */
	void awaitSharedRoom() {
		if (this.shared.availableBytes() >= Math.max(1, this.minSharedRoom)
				|| !this.waitingForShared.compareAndSet(false, true)) {
			return;
		}
		this.shared.whenAvailable(Math.max(1, this.minSharedRoom), () -> {
			this.waitingForShared.set(false);
			this.onRoom.run();
		});
	}

	/** Bytes queued and being written. */
	long bufferedBytes() {
		synchronized (this.lock) {
			return this.queuedBytes + this.inFlightBytes;
		}
	}

	/**
	 * How long the frame or ping being written has been with the transport, or 0 when nothing is.
	 * @param nowNanos the current {@link Time#nanoseconds()}
	 */
	long writingNanos(long nowNanos) {
		synchronized (this.lock) {
			return this.writing ? nowNanos - this.writeStartNanos : 0;
		}
	}

	/**
	 * Starts a ping on {@code pinger} if nothing else is queued or being written; a busy socket is not pinged (its
	 * frame in flight is watched instead). A ping can only be written blocking: on its own thread, a client that
	 * stopped reading holds up no other socket, and the send time limit watches it like a frame.
	 * @return whether a ping was started
	 */
	boolean ping(Executor pinger) {
		synchronized (this.lock) {
			if (this.finished || this.writing || !this.queue.isEmpty()) {
				return false;
			}
			this.writing = true;
			this.inFlightBytes = 0;
			this.inFlightReserved = 0;
			this.inFlightWhenWritten = null;
			this.writeStartNanos = this.time.nanoseconds();
		}
		try {
			pinger.execute(() -> {
				Throwable failure = null;
				try {
					this.transport.sendPing();
				}
				catch (Exception ex) {
					failure = ex;
				}
				written(failure);
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			written(ex);
			return false;
		}
	}

	/**
	 * Accepts no more frames, writes those queued, then runs {@code whenFlushed} (on the thread that
	 * wrote the last frame). Does nothing if the outbound is already finished.
	 */
	void finish(Runnable whenFlushed) {
		synchronized (this.lock) {
			if (this.finished) {
				return;
			}
			this.finished = true;
			this.whenFlushed = whenFlushed;
		}
		drain();
	}

	/** Accepts and writes nothing more, and drops what is queued. Idempotent. */
	void discard() {
		synchronized (this.lock) {
			this.finished = true;
			this.whenFlushed = null;
			this.queue.clear();
			this.queuedBytes = 0;
		}
		this.memory.release();
	}

	private void drain() {
		synchronized (this.lock) {
			if (this.draining) {
				return;
			}
			this.draining = true;
		}
		while (true) {
			Frame frame;
			Runnable flushed = null;
			synchronized (this.lock) {
				frame = this.writing ? null : this.queue.poll();
				if (frame == null) {
					this.draining = false;
					if (!this.writing && this.queue.isEmpty()) {
						flushed = this.whenFlushed;
						this.whenFlushed = null;
					}
				}
				else {
					this.writing = true;
					this.queuedBytes -= frame.bytes().remaining();
					this.inFlightBytes = frame.bytes().remaining();
					this.inFlightReserved = frame.reserved();
					this.inFlightWhenWritten = frame.whenWritten();
					this.writeStartNanos = this.time.nanoseconds();
				}
			}
			if (frame == null) {
				if (flushed != null) {
					flushed.run();
				}
				return;
			}
			try {
				this.transport.sendText(frame.bytes(), this::written);
			}
			catch (Throwable ex) {
				// Not handed over (an allocation that found the heap full, a transport refusing): a failed write.
				written(ex);
				return;
			}
		}
	}

	private void written(Throwable failure) {
		boolean finished;
		long reserved;
		Runnable whenWritten;
		synchronized (this.lock) {
			this.writing = false;
			this.inFlightBytes = 0;
			reserved = this.inFlightReserved;
			this.inFlightReserved = 0;
			whenWritten = this.inFlightWhenWritten;
			this.inFlightWhenWritten = null;
			if (failure != null) {
				this.finished = true;
				this.whenFlushed = null;
				this.queue.clear();
				this.queuedBytes = 0;
			}
			finished = this.finished;
		}
		if (failure != null) {
			this.memory.release();
			this.onFailure.accept(failure);
			return;
		}
		if (reserved > 0) {
			this.memory.shrinkTo(this.memory.bytes() - reserved);
		}
		if (whenWritten != null) {
			whenWritten.run();
		}
		if (!finished) {
			this.onRoom.run();
		}
		drain();
	}

}
