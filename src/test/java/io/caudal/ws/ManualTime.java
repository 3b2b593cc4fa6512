package io.caudal.ws;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.caudal.log.Time;

/** A clock that moves only when a test moves it. */
final class ManualTime implements Time {

	private final AtomicLong nanos = new AtomicLong();

	@Override
	public long milliseconds() {
		return 1_764_000_000_000L + this.nanos.get() / 1_000_000;
	}

	@Override
	public long nanoseconds() {
		return this.nanos.get();
	}

	void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
