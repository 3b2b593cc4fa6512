package io.caudal.group;

import java.util.LinkedHashSet;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * What a member asks for when it joins, checked and with the contract's defaults filled in.
 * @param topics the topics it reads, at least one, without repeats
 * @param sessionTimeoutMs how long it may stay silent before it is removed
 * @param rebalanceTimeoutMs how long it may keep a partition it was told to give up without showing it heard;
 * after that the partition moves on and its commits for it are refused
 * @param assignor the assignor it would use as leader
 * @param autoOffsetReset where it starts a partition without a committed offset
 * @param instanceId a static instance id, or null
 */
public record MemberConfig(List<String> topics, int sessionTimeoutMs, int rebalanceTimeoutMs, String assignor,
		AutoOffsetReset autoOffsetReset, String instanceId) {

	public static final int DEFAULT_SESSION_TIMEOUT_MS = 30_000;

	public static final int MIN_SESSION_TIMEOUT_MS = 1_000;

	public static final int MAX_SESSION_TIMEOUT_MS = 300_000;

	public static final int DEFAULT_REBALANCE_TIMEOUT_MS = 30_000;

	public static final int MAX_INSTANCE_ID_LENGTH = 255;

	public MemberConfig {
		topics = List.copyOf(topics);
	}

	/**
	 * Checks a join request and applies the defaults: session and rebalance timeouts 30000 ms, assignor
	 * {@code range}, autoOffsetReset {@code latest}.
	 * @param topics required, at least one name
	 * @param sessionTimeoutMs null for the default, else 1000 to 300000
	 * @param rebalanceTimeoutMs null for the default, else 1000 to 300000
	 * @param assignor null for the default, else {@code range}, {@code roundrobin} or {@code sticky}
	 * @param autoOffsetReset null for the default, else {@code earliest}, {@code latest} or {@code none}
	 * @param instanceId null, or 1 to 255 characters
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} naming the bad field
	 */
	public static MemberConfig of(List<String> topics, Integer sessionTimeoutMs, Integer rebalanceTimeoutMs,
			String assignor, String autoOffsetReset, String instanceId) {
		if (topics == null || topics.isEmpty()) {
			throw invalid("Field 'topics' must name at least one topic.");
		}
		if (topics.contains(null)) {
			throw invalid("Field 'topics' must not hold null.");
		}
		int timeout = timeout("sessionTimeoutMs", sessionTimeoutMs, DEFAULT_SESSION_TIMEOUT_MS);
		int rebalanceTimeout = timeout("rebalanceTimeoutMs", rebalanceTimeoutMs, DEFAULT_REBALANCE_TIMEOUT_MS);
		String assignorName = (assignor != null) ? PartitionAssignor.named(assignor).name() : RangeAssignor.NAME;
		AutoOffsetReset reset = (autoOffsetReset != null) ? AutoOffsetReset.parse(autoOffsetReset)
				: AutoOffsetReset.LATEST;
		if (instanceId != null && (instanceId.isEmpty() || instanceId.length() > MAX_INSTANCE_ID_LENGTH)) {
			throw invalid("Field 'instanceId' must be 1 to " + MAX_INSTANCE_ID_LENGTH + " characters long.");
		}
		return new MemberConfig(List.copyOf(new LinkedHashSet<>(topics)), timeout, rebalanceTimeout, assignorName,
				reset, instanceId);
	}

	/** Session and rebalance timeouts share their bounds, Kafka's defaults and limits. */
	private static int timeout(String field, Integer given, int defaultMs) {
		int timeout = (given != null) ? given : defaultMs;
		if (timeout < MIN_SESSION_TIMEOUT_MS || timeout > MAX_SESSION_TIMEOUT_MS) {
			throw invalid("Field '" + field + "' must lie between " + MIN_SESSION_TIMEOUT_MS + " and "
					+ MAX_SESSION_TIMEOUT_MS + ", not " + timeout + ".");
		}
		return timeout;
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

}
