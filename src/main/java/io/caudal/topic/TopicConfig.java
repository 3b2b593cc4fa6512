package io.caudal.topic;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.LogConfig;

/**
 * A topic's configuration: the keys a user set, validated against Kafka's names and ranges, over
 * the server defaults. Immutable.
 */
public final class TopicConfig {

	public static final String RETENTION_MS = "retention.ms";

	public static final String RETENTION_BYTES = "retention.bytes";

	public static final String SEGMENT_BYTES = "segment.bytes";

	public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

	public static final String FLUSH_MS = "flush.ms";

	public static final String CLEANUP_POLICY = "cleanup.policy";

	public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";

	public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";

	public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";

	public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";

	public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

	/** Kafka 4's floor for {@code segment.bytes}: smaller segments would cost a file per few records. */
	static final int MIN_SEGMENT_BYTES = 1024 * 1024;

	/** The floor Kafka sets for {@code segment.index.bytes} in its next major version. */
	static final int MIN_SEGMENT_INDEX_BYTES = 1024;

	/** Kafka 4's default {@code message.timestamp.after.max.ms}: one hour. */
	static final long DEFAULT_TIMESTAMP_AFTER_MAX_MS = 3_600_000;

	private static final LogConfig DEFAULTS = LogConfig.defaults();

	/** Every key Caudal understands, with its default; ranges are checked in {@link #parse}. */
	private static final Map<String, Object> DEFAULT_VALUES = orderedDefaults();

	private static final TopicConfig EMPTY = new TopicConfig(DEFAULT_VALUES, Map.of());

	/** The settings in force where the topic sets none: Caudal's, or those its engine reported. */
	private final Map<String, Object> defaults;

	private final Map<String, String> overrides;

	/** Worked out once: a produce reads the settings for every record it checks. */
	private final Map<String, Object> effective;

	private final LogConfig logConfig;

	private TopicConfig(Map<String, Object> defaults, Map<String, String> overrides) {
		this.defaults = defaults;
		this.overrides = Collections.unmodifiableMap(new TreeMap<>(overrides));
		Map<String, Object> effective = new LinkedHashMap<>(defaults);
		this.overrides.forEach((key, value) -> effective.put(key,
				(DEFAULT_VALUES.get(key) instanceof String) ? value : Long.parseLong(value)));
		this.effective = Collections.unmodifiableMap(effective);
		this.logConfig = new LogConfig(intValue(SEGMENT_BYTES), intValue(MAX_MESSAGE_BYTES), longValue(FLUSH_MS),
				longValue(RETENTION_MS), longValue(RETENTION_BYTES), intValue(INDEX_INTERVAL_BYTES),
				intValue(SEGMENT_INDEX_BYTES));
	}

	public static TopicConfig empty() {
		return EMPTY;
	}

	/**
	 * Reads stored overrides back; they were validated when written.
	 * @param stored key to value, as {@link #overrides()} returned them
	 */
	static TopicConfig fromStored(Map<String, String> stored) {
		return new TopicConfig(DEFAULT_VALUES, stored);
	}

	/**
	 * The configuration of a topic whose engine keeps the settings (a Kafka cluster): what it reports in force, of
	 * the keys Caudal knows, over Caudal's defaults for the rest. Values the engine allows and Caudal would not set
	 * (a compacted topic made by other tools) are shown as they are.
	 * @param inForce every setting the engine reports in force, by Kafka's names
	 * @param explicit the keys set for this topic alone
	 */
	public static TopicConfig reportedByEngine(Map<String, String> inForce, Map<String, String> explicit) {
		Map<String, Object> defaults = new LinkedHashMap<>(DEFAULT_VALUES);
		Map<String, String> overrides = new TreeMap<>();
		inForce.forEach((key, value) -> {
			Object known = DEFAULT_VALUES.get(key);
			boolean readable = (known instanceof String && value != null)
					|| (known != null && value != null && value.matches("-?[0-9]{1,19}"));
			if (readable) {
				defaults.put(key, (known instanceof String) ? value : Long.parseLong(value));
				if (explicit.containsKey(key)) {
					overrides.put(key, value);
				}
			}
		});
		return new TopicConfig(Collections.unmodifiableMap(defaults), overrides);
	}

	/**
	 * Validates user-given settings. A value may be a JSON whole number or a string holding one
	 * (Kafka's tools send strings).
	 * @param settings key to value as parsed from JSON; null means none
	 * @return this configuration with the settings applied over it
	 * @throws CaudalException {@link ErrorCode#INVALID_CONFIG} on an unknown key or a bad value
	 */
	public TopicConfig with(Map<String, Object> settings) {
		if (settings == null || settings.isEmpty()) {
			return this;
		}
		Map<String, String> merged = new TreeMap<>(this.overrides);
		settings.forEach((key, value) -> merged.put(key, parse(key, value)));
		return new TopicConfig(this.defaults, merged);
	}

	/** The keys set explicitly for this topic, as stored. */
	public Map<String, String> overrides() {
		return this.overrides;
	}

	/** Every setting in force, explicit or default, as a user reads it. */
	public Map<String, Object> effective() {
		return this.effective;
	}

	/** The storage engine's view of this configuration. */
	public LogConfig logConfig() {
		return this.logConfig;
	}

	/** How far in the past a record's timestamp may lie ({@code message.timestamp.before.max.ms}). */
	public long timestampBeforeMaxMs() {
		return longValue(MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
	}

	/** How far in the future a record's timestamp may lie ({@code message.timestamp.after.max.ms}). */
	public long timestampAfterMaxMs() {
		return longValue(MESSAGE_TIMESTAMP_AFTER_MAX_MS);
	}

	/** How many copies must have a record before a write of it is acknowledged ({@code min.insync.replicas}). */
	public int minInsyncReplicas() {
		return intValue(MIN_INSYNC_REPLICAS);
	}

	private long longValue(String key) {
		return ((Number) this.effective.get(key)).longValue();
	}

	private int intValue(String key) {
		return Math.toIntExact(longValue(key));
	}

	private static String parse(String key, Object value) {
		return switch (key) {
			case RETENTION_MS, RETENTION_BYTES -> String.valueOf(wholeNumber(key, value, -1, Long.MAX_VALUE));
			case FLUSH_MS -> String.valueOf(wholeNumber(key, value, 0, Long.MAX_VALUE));
			case SEGMENT_BYTES -> String.valueOf(wholeNumber(key, value, MIN_SEGMENT_BYTES, Integer.MAX_VALUE));
			case SEGMENT_INDEX_BYTES -> String.valueOf(wholeNumber(key, value, MIN_SEGMENT_INDEX_BYTES,
					Integer.MAX_VALUE));
			case MESSAGE_TIMESTAMP_BEFORE_MAX_MS, MESSAGE_TIMESTAMP_AFTER_MAX_MS -> String.valueOf(wholeNumber(key,
					value, 0, Long.MAX_VALUE));
			case MAX_MESSAGE_BYTES -> String.valueOf(wholeNumber(key, value, 1, Integer.MAX_VALUE));
			case MIN_INSYNC_REPLICAS -> String.valueOf(wholeNumber(key, value, 1, Short.MAX_VALUE));
			case INDEX_INTERVAL_BYTES -> String.valueOf(wholeNumber(key, value, 1, Integer.MAX_VALUE));
			case CLEANUP_POLICY -> cleanupPolicy(value);
			default -> throw new CaudalException(ErrorCode.INVALID_CONFIG, "Unknown configuration key '" + key
					+ "'. Known keys: " + String.join(", ", DEFAULT_VALUES.keySet()) + ".");
		};
	}

	private static long wholeNumber(String key, Object value, long min, long max) {
		BigInteger number;
		if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
			number = new BigInteger(value.toString());
		}
		else if (value instanceof String text && text.matches("-?[0-9]{1,40}")) {
			number = new BigInteger(text);
		}
		else {
			throw new CaudalException(ErrorCode.INVALID_CONFIG,
					"Configuration '" + key + "' must be a whole number, not " + describe(value) + ".");
		}
		if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
			throw new CaudalException(ErrorCode.INVALID_CONFIG,
					"Configuration '" + key + "' is " + number + "; it must lie between " + min + " and " + max + ".");
		}
		return number.longValue();
	}

	private static String cleanupPolicy(Object value) {
		if ("delete".equals(value)) {
			return "delete";
		}
		throw new CaudalException(ErrorCode.INVALID_CONFIG, "Configuration 'cleanup.policy' is " + describe(value)
				+ "; Caudal supports only 'delete' (log compaction is not available).");
	}

	private static String describe(Object value) {
		if (value == null) {
			return "null";
		}
		return (value instanceof String) ? "'" + value + "'" : value.toString();
	}

	private static Map<String, Object> orderedDefaults() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put(CLEANUP_POLICY, "delete");
		defaults.put(FLUSH_MS, DEFAULTS.flushMs());
		defaults.put(INDEX_INTERVAL_BYTES, (long) DEFAULTS.indexIntervalBytes());
		defaults.put(MAX_MESSAGE_BYTES, (long) DEFAULTS.maxMessageBytes());
		defaults.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, DEFAULT_TIMESTAMP_AFTER_MAX_MS);
		defaults.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.MAX_VALUE);
		defaults.put(MIN_INSYNC_REPLICAS, 1L);
		defaults.put(RETENTION_BYTES, DEFAULTS.retentionBytes());
		defaults.put(RETENTION_MS, DEFAULTS.retentionMs());
		defaults.put(SEGMENT_BYTES, (long) DEFAULTS.segmentBytes());
		defaults.put(SEGMENT_INDEX_BYTES, (long) DEFAULTS.segmentIndexBytes());
		return Collections.unmodifiableMap(defaults);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof TopicConfig that) && this.overrides.equals(that.overrides);
	}

	@Override
	public int hashCode() {
		return this.overrides.hashCode();
	}

	@Override
	public String toString() {
		return this.overrides.toString();
	}

}
