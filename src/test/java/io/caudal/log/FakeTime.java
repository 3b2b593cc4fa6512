package io.caudal.log;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test moves it. */
final class FakeTime implements Time {

	private final AtomicLong nanos = new AtomicLong();

	private final long startMs;

	FakeTime(long startMs) {
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

	void advanceMs(long ms) {
		this.nanos.addAndGet(ms * 1_000_000);
	}

}
