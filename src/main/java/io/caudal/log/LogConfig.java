package io.caudal.log;

/**
 * The settings of one partition log, named after Kafka's topic configs. Changeable at runtime through
 * {@link PartitionLog#updateConfig(LogConfig)}.
 *
 * @param segmentBytes size in bytes at which the active segment rolls ({@code segment.bytes}); a batch never
 * straddles two segments, so a segment exceeds this only when a single batch is larger than it; at least 1
 * @param maxMessageBytes largest accepted record in bytes, counting key, value and headers
 * ({@code max.message.bytes}; see {@link LogRecord#sizeInBytes(LogRecord)}); 0 or more
 * @param flushMs 0 to fsync before acknowledging (group commit); N &gt; 0 to acknowledge after the write and
 * fsync within N milliseconds ({@code flush.ms})
 * @param retentionMs age in milliseconds after which a segment is deleted, judged by its largest record
 * timestamp; -1 for no limit ({@code retention.ms})
 * @param retentionBytes size in bytes above which the oldest segments are deleted; -1 for no limit
 * ({@code retention.bytes})
 * @param indexIntervalBytes bytes of batches between two offset index entries ({@code index.interval.bytes});
 * 0 or more
 * @param segmentIndexBytes the most bytes each index of a segment may hold; the segment rolls when one is full
 * ({@code segment.index.bytes}); at least 12, one time index entry
 */
public record LogConfig(int segmentBytes, int maxMessageBytes, long flushMs, long retentionMs, long retentionBytes,
		int indexIntervalBytes, int segmentIndexBytes) {

	/** Kafka's default {@code segment.index.bytes}, 10 MiB. */
	public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;

	/**
	 * @throws IllegalArgumentException if a value is outside the bounds documented on the components
	 */
	public LogConfig {
		require(segmentBytes >= 1, "segmentBytes", segmentBytes, "at least 1");
		require(maxMessageBytes >= 0, "maxMessageBytes", maxMessageBytes, "0 or more");
		require(flushMs >= 0, "flushMs", flushMs, "0 or more");
		require(retentionMs >= -1, "retentionMs", retentionMs, "-1 (unlimited) or more");
		require(retentionBytes >= -1, "retentionBytes", retentionBytes, "-1 (unlimited) or more");
		require(indexIntervalBytes >= 0, "indexIntervalBytes", indexIntervalBytes, "0 or more");
		require(segmentIndexBytes >= TimeIndex.ENTRY_SIZE, "segmentIndexBytes", segmentIndexBytes,
				"at least " + TimeIndex.ENTRY_SIZE);
	}

	/**
	 * Kafka's defaults: 1 GiB segments, 1048588-byte records, fsync before acknowledging, 7 days of retention,
	 * no size limit, an index entry every 4 KiB, indexes of up to 10 MiB.
	 */
	public static LogConfig defaults() {
		return new LogConfig(1_073_741_824, 1_048_588, 0, 604_800_000L, -1, 4096, DEFAULT_SEGMENT_INDEX_BYTES);
	}

	private static void require(boolean valid, String name, long value, String bound) {
		if (!valid) {
			throw new IllegalArgumentException(name + " is " + value + "; it must be " + bound + ".");
		}
	}

}
