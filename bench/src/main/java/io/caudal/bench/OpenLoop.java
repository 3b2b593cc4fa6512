package io.caudal.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The schedule of the end-to-end rows, the same for both servers: record {@code i} is due at
 * {@code start + i × period} whatever happened to the ones before (open loop), and its latency
 * counts from that time, so that a stall is charged to every record it delays. Each record's value
 * starts with its due time (decimal nanoseconds of {@link #now()}) and a '-', then letters, so
 * that the reader can time it without a lookup.
 */
final class OpenLoop {

	private static final long BASE_NANOS = System.nanoTime();

	/** Nanoseconds since this class was loaded: this JVM's monotonic clock, kept small enough to print. */
	static long now() {
		return System.nanoTime() - BASE_NANOS;
	}

	/** Calls {@code send} with each due time, {@code count} times, each not before it is due. */
	static void run(long startNanos, long periodNanos, long count, LongConsumer send) {
		for (long i = 0; i < count; i++) {
			long due = startNanos + i * periodNanos;
			long wait;
			while ((wait = due - now()) > 0) {
				LockSupport.parkNanos(wait);
			}
			send.accept(due);
		}
	}

	/** A value of exactly {@code length} ASCII characters that starts with {@code due}. */
	static String value(long due, String letters, int length) {
		String head = due + "-";
		return head + letters.substring(0, Math.max(0, length - head.length()));
	}

	/** The due time at {@code from} in {@code text}: the digits there. */
	static long due(CharSequence text, int from) {
		long due = 0;
		for (int i = from; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
			due = due * 10 + (text.charAt(i) - '0');
		}
		return due;
	}

	/** The due time at the start of a value's bytes. */
	static long due(byte[] value) {
		long due = 0;
		for (int i = 0; i < value.length && value[i] >= '0' && value[i] <= '9'; i++) {
			due = due * 10 + (value[i] - '0');
		}
		return due;
	}

	private OpenLoop() {
	}

}
