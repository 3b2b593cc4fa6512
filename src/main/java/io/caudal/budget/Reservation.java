package io.caudal.budget;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes held from a {@link ByteBudget}; given back once, by {@link #release()}, whoever calls it first. Thread-safe.
 */
public final class Reservation {

	private final ByteBudget budget;

	private final AtomicLong bytes;

	Reservation(ByteBudget budget, long bytes) {
		this.budget = budget;
		this.bytes = new AtomicLong(bytes);
	}

	/** The bytes held; 0 once released. */
	public long bytes() {
		return Math.max(0, this.bytes.get());
	}

	/**
	 * Holds {@code more} bytes as well, if the budget has them.
	 * @return false, holding nothing more, when it has not, or when this was released
	 */
	public boolean tryGrow(long more) {
		if (this.bytes.get() < 0 || !this.budget.grow(more)) {
			return false;
		}
		while (true) {
			long held = this.bytes.get();
			if (held < 0) {
				// Released meanwhile: what was just taken goes straight back.
				this.budget.giveBack(more);
				return false;
			}
			if (this.bytes.compareAndSet(held, held + more)) {
				return true;
			}
		}
	}

	/** Gives back what is held beyond {@code bytes}, keeping the rest. */
	public void shrinkTo(long bytes) {
		long held = this.bytes.get();
		while (held > bytes && held >= 0) {
			if (this.bytes.compareAndSet(held, bytes)) {
				this.budget.giveBack(held - bytes);
				return;
			}
			held = this.bytes.get();
		}
	}

	/** Gives everything back. Idempotent. */
	public void release() {
		long held = this.bytes.getAndSet(-1);
		if (held > 0) {
			this.budget.giveBack(held);
		}
	}

}
