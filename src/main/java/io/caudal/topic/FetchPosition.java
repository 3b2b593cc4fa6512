package io.caudal.topic;

/** Where a fetch starts: a given offset, the earliest or latest offset, or a point in time. */
public sealed interface FetchPosition {

	record Earliest() implements FetchPosition {
	}

	record Latest() implements FetchPosition {
	}

	/** @param offset an offset that must lie within {@code [startOffset, endOffset]} */
	record AtOffset(long offset) implements FetchPosition {
	}

	/** @param timestamp epoch ms: the first record whose timestamp is at or after it */
	record AtTimestamp(long timestamp) implements FetchPosition {
	}

}
