package io.caudal.ws;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.caudal.time.Time;

/**
 * The frames waiting to be written to one socket: a FIFO holding at most about
 * {@code capacityBytes} bytes of UTF-8 JSON text, as encoded, of which one frame at a time is with the
 * transport. Nothing here blocks. A frame is accepted while the buffer is below its capacity, so
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

	private final Object lock = new Object();

	private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

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
	Outbound(SocketTransport transport, long capacityBytes, Time time, Runnable onRoom, Consumer<Throwable> onFailure) {
		this.transport = transport;
		this.capacityBytes = capacityBytes;
		this.time = time;
		this.onRoom = onRoom;
		this.onFailure = onFailure;
	}

	/**
	 * Queues a frame and starts writing it if nothing is being written.
	 * @return false, and nothing queued, if the buffer is full or the socket is closing
	 */
	boolean offer(ByteBuffer frame) {
		synchronized (this.lock) {
			if (this.finished || this.queuedBytes + this.inFlightBytes >= this.capacityBytes) {
				return false;
			}
			this.queue.add(frame);
			this.queuedBytes += frame.remaining();
		}
		drain();
		return true;
	}

	/** Bytes that may still be queued before the buffer is full; 0 when closing. */
	long room() {
		synchronized (this.lock) {
			return this.finished ? 0 : Math.max(0, this.capacityBytes - this.queuedBytes - this.inFlightBytes);
		}
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
	 * Writes a ping, on the calling thread, if nothing else is queued or being written; a busy
	 * socket is not pinged (its frame in flight is watched instead).
	 * @return whether the ping was written
	 */
	boolean ping() {
		synchronized (this.lock) {
			if (this.finished || this.writing || !this.queue.isEmpty()) {
				return false;
			}
			this.writing = true;
			this.inFlightBytes = 0;
			this.writeStartNanos = this.time.nanoseconds();
		}
		Throwable failure = null;
		try {
			this.transport.sendPing();
		}
		catch (Exception ex) {
			failure = ex;
		}
		written(failure);
		return failure == null;
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
	}

	private void drain() {
		synchronized (this.lock) {
			if (this.draining) {
				return;
			}
			this.draining = true;
		}
		while (true) {
			ByteBuffer frame;
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
					this.queuedBytes -= frame.remaining();
					this.inFlightBytes = frame.remaining();
					this.writeStartNanos = this.time.nanoseconds();
				}
			}
			if (frame == null) {
				if (flushed != null) {
					flushed.run();
				}
				return;
			}
			this.transport.sendText(frame, this::written);
		}
	}

	private void written(Throwable failure) {
		boolean finished;
		synchronized (this.lock) {
			this.writing = false;
			this.inFlightBytes = 0;
			if (failure != null) {
				this.finished = true;
				this.whenFlushed = null;
				this.queue.clear();
				this.queuedBytes = 0;
			}
			finished = this.finished;
		}
		if (failure != null) {
			this.onFailure.accept(failure);
			return;
		}
		if (!finished) {
			this.onRoom.run();
		}
		drain();
	}

}
