package io.caudal.offset;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database's clock, the one every node sharing groups sees alike: their JVMs' monotonic clocks cannot be
 * compared, and their wall clocks may disagree. Tests move it forward with {@link #shift}, an offset only this node
 * adds, instead of waiting. Thread-safe.
 */
public final class DatabaseClock {

	private final JdbcClient jdbc;

	private final AtomicLong offsetMs = new AtomicLong();

	public DatabaseClock(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The database's time in milliseconds since the epoch, plus this node's test offset. */
	public long nowMs() {
		OffsetDateTime now = this.jdbc.sql("SELECT CURRENT_TIMESTAMP").query(OffsetDateTime.class).single();
		return now.toInstant().toEpochMilli() + this.offsetMs.get();
	}

	/** For tests: this node sees the database's time {@code duration} later from now on. */
	public void shift(Duration duration) {
		this.offsetMs.addAndGet(duration.toMillis());
	}

}
