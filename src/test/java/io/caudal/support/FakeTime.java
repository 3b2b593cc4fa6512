package io.caudal.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.caudal.time.Time;

/** A clock that moves only when a test moves it. Thread-safe. */
public final class FakeTime implements Time {

	/** 2025-11-24T16:00:00Z, an arbitrary wall-clock start. */
	public static final long DEFAULT_START_MS = 1_764_000_000_000L;

	private final AtomicLong nanos = new AtomicLong();

	private final long startMs;

	public FakeTime() {
		this(DEFAULT_START_MS);
	}

	public FakeTime(long startMs) {
		this.startMs = startMs;
	}

	@Override
	public long milliseconds() {
		return this.startMs + this.nanos.get() / 1_000_000;
	}

	@Override
	public long nanoseconds() {
		return this.nanos.get();
	}

	public void advanceMs(long ms) {
		this.nanos.addAndGet(ms * 1_000_000);
	}

	public void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
