package io.caudal.budget;

import java.util.ArrayList;
import java.util.List;

/**
 * A server-wide allowance of bytes held in memory for one purpose (request bodies being read, answers being
 * written, frames queued for sockets): what lets every client have its own limit while all of them together still
 * fit the heap. Reservations are taken without blocking, or with a bounded wait; whoever could not get room may
 * ask to be told when some is given back. Thread-safe.
 */
public final class ByteBudget {

	private final String name;

	private final long maxBytes;

	/** Guarded by this. */
	private long reservedBytes;

	/** Guarded by this: told once, when bytes are next given back. */
	private List<Runnable> waiting = new ArrayList<>();

	/**
	 * @param name what the bytes are for, as the setting that sizes it, for messages
	 * @param maxBytes the most bytes reserved at once, at least 1
	 */
	public ByteBudget(String name, long maxBytes) {
		if (maxBytes < 1) {
			throw new IllegalArgumentException(name + " is " + maxBytes + " bytes; it must be at least 1.");
		}
		this.name = name;
		this.maxBytes = maxBytes;
	}

	public String name() {
		return this.name;
	}

	public long maxBytes() {
		return this.maxBytes;
	}

	public synchronized long reservedBytes() {
		return this.reservedBytes;
	}

	public synchronized long availableBytes() {
		return this.maxBytes - this.reservedBytes;
	}

	/** A reservation of nothing yet, for a caller that grows it as it reads. */
	public Reservation startReservation() {
		return new Reservation(this, 0);
	}

	/** Reserves exactly {@code bytes}, or nothing: null when they are not free. */
	public Reservation tryReserve(long bytes) {
		return reserveUpTo(bytes, bytes);
	}

	/**
	 * Reserves as many of {@code wanted} bytes as are free, if at least {@code min} are.
	 * @return the reservation, or null when fewer than {@code min} bytes are free
	 */
	public synchronized Reservation reserveUpTo(long wanted, long min) {
		long granted = Math.min(wanted, this.maxBytes - this.reservedBytes);
		if (granted < min || granted < 0) {
			return null;
		}
		this.reservedBytes += granted;
		return new Reservation(this, granted);
	}

	/**
	 * Like {@link #reserveUpTo(long, long)}, waiting up to {@code waitMs} for {@code min} bytes to be given back.
	 * @return the reservation, or null when the wait ended first
	 */
	public synchronized Reservation reserveUpTo(long wanted, long min, long waitMs) throws InterruptedException {
		long deadline = System.nanoTime() + waitMs * 1_000_000;
		Reservation reservation = reserveUpTo(wanted, min);
		while (reservation == null) {
			long leftMs = (deadline - System.nanoTime()) / 1_000_000;
			if (leftMs <= 0) {
				return null;
			}
			wait(leftMs);
			reservation = reserveUpTo(wanted, min);
		}
		return reservation;
	}

	/** Runs {@code action} once, on the thread that next gives bytes back (or at once if some are free now). */
	public void whenAvailable(Runnable action) {
		whenAvailable(1, action);
	}

	/**
	 * Runs {@code action} once, at once if {@code bytes} are free now, else on the thread that next gives bytes back
	 * (which may free fewer: the action checks again).
	 */
	public void whenAvailable(long bytes, Runnable action) {
		synchronized (this) {
			if (this.maxBytes - this.reservedBytes < bytes) {
				this.waiting.add(action);
				return;
			}
		}
		action.run();
	}

	synchronized boolean grow(long more) {
		if (more > this.maxBytes - this.reservedBytes) {
			return false;
		}
		this.reservedBytes += more;
		return true;
	}

	void giveBack(long bytes) {
		List<Runnable> toTell;
		synchronized (this) {
			this.reservedBytes -= bytes;
			notifyAll();
			if (this.waiting.isEmpty()) {
				return;
			}
			toTell = this.waiting;
			this.waiting = new ArrayList<>();
		}
		toTell.forEach(Runnable::run);
	}

	@Override
	public String toString() {
		return this.name + "[" + reservedBytes() + " of " + this.maxBytes + " bytes reserved]";
	}

}
