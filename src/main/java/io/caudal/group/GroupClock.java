package io.caudal.group;

/**
 * One instant read on two clocks, this node's monotonic one and the database's, to carry deadlines between them:
 * where groups are shared, the database keeps deadlines in its own time, the only clock every node reads alike, and
 * a group loaded for one action works in this node's nanoseconds.
 * @param localNanos this node's monotonic time
 * @param databaseMs the database's time at the same instant, in milliseconds since the epoch
 */
record GroupClock(long localNanos, long databaseMs) {

	long toNanos(long deadlineMs) {
		return this.localNanos + (deadlineMs - this.databaseMs) * 1_000_000L;
	}

	long toDatabaseMs(long deadlineNanos) {
		return this.databaseMs + Math.floorDiv(deadlineNanos - this.localNanos, 1_000_000L);
	}

}
