package io.caudal.time;

/**
 * Caudal's clock, injectable so that tests control it; a leaf package every other package may use.
 * <p>
 * {@link #milliseconds()} is wall-clock time (epoch milliseconds, may jump); {@link #nanoseconds()} is monotonic
 * and only meaningful as a difference between two calls. Implementations are thread-safe.
 */
public interface Time {

	/** The system clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
	Time SYSTEM = new Time() {

		@Override
		public long milliseconds() {
			return System.currentTimeMillis();
		}

		@Override
		public long nanoseconds() {
			return System.nanoTime();
		}

	};

	/** Wall-clock time in milliseconds since the epoch. */
	long milliseconds();

	/** Monotonic time in nanoseconds from an arbitrary origin; use differences only. */
	long nanoseconds();

}
