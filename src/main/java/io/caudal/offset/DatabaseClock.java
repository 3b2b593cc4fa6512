package io.caudal.offset;

import java.time.OffsetDateTime;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database's clock, the one every node sharing groups sees alike: their JVMs' monotonic clocks cannot be
 * compared, and their wall clocks may disagree. Tests that drive time themselves give the nodes a clock of their own
 * by overriding {@link #nowMs}. Thread-safe.
 */
public class DatabaseClock {

	private final JdbcClient jdbc;

	public DatabaseClock(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The database's time in milliseconds since the epoch. */
	public long nowMs() {
		OffsetDateTime now = this.jdbc.sql("SELECT CURRENT_TIMESTAMP").query(OffsetDateTime.class).single();
		return now.toInstant().toEpochMilli();
	}

}
