package io.caudal.ws;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.group.MemberConfig;

/**
 * What a socket on {@code /ws/groups/{group}?topics=…} asks for; besides {@code topics} it may give
 * {@code assignor}, {@code autoOffsetReset}, {@code autoCommit}, {@code credit},
 * {@code sessionTimeoutMs} and {@code instanceId}.
 * @param group the group to join
 * @param member the member's topics and settings, with the defaults of an HTTP join: assignor
 * {@code range}, autoOffsetReset {@code latest}, sessionTimeoutMs 30000, no instance id
 * @param autoCommit whether the server commits delivered offsets itself; false by default
 * @param credit the first grant of records, {@value Credit#DEFAULT_GRANT} by default
 */
record GroupSocketRequest(String group, MemberConfig member, boolean autoCommit, long credit) {

	private static final List<String> PARAMETERS = List.of("topics", "assignor", "autoOffsetReset", "autoCommit",
			"credit", "sessionTimeoutMs", "rebalanceTimeoutMs", "instanceId");

	/**
	 * Reads the URI of a socket on {@code /ws/groups/{group}} strictly: unknown or repeated
	 * parameters are refused.
	 * @param defaultRebalanceTimeout {@code caudal.websocket.rebalance-timeout}, for a socket that names none
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} naming the bad parameter
	 */
	static GroupSocketRequest parse(URI uri, Duration defaultRebalanceTimeout) {
		SocketQuery query = SocketQuery.parse(uri, PARAMETERS, "a group socket");
		Integer rebalanceTimeoutMs = milliseconds("rebalanceTimeoutMs", query.get("rebalanceTimeoutMs"));
		MemberConfig member = MemberConfig.of(topics(query.get("topics")),
				milliseconds("sessionTimeoutMs", query.get("sessionTimeoutMs")),
				(rebalanceTimeoutMs != null) ? rebalanceTimeoutMs : (int) defaultRebalanceTimeout.toMillis(),
				query.get("assignor"), query.get("autoOffsetReset"), query.get("instanceId"));
		return new GroupSocketRequest(query.name(), member, autoCommit(query.get("autoCommit")), query.credit());
	}

	private static List<String> topics(String topics) {
		List<String> names = (topics != null) ? Arrays.asList(topics.split(",", -1)) : List.of();
		if (names.isEmpty() || names.contains("")) {
			throw SocketQuery.invalid("Parameter 'topics' names the topics to read, separated by commas: "
					+ "topics=orders,payments.");
		}
		return names;
	}

	/** The range is MemberConfig's to check; here only the number is read. */
	private static Integer milliseconds(String name, String value) {
		if (value == null) {
			return null;
		}
		try {
			return Integer.valueOf(value);
		}
		catch (NumberFormatException ex) {
			throw SocketQuery.invalid("Parameter '" + name + "' is a whole number of milliseconds from "
					+ MemberConfig.MIN_SESSION_TIMEOUT_MS + " to " + MemberConfig.MAX_SESSION_TIMEOUT_MS + "; '"
					+ value + "' was given.");
		}
	}

	private static boolean autoCommit(String autoCommit) {
		if (autoCommit == null || autoCommit.equals("false")) {
			return false;
		}
		if (autoCommit.equals("true")) {
			return true;
		}
		throw SocketQuery.invalid("Parameter 'autoCommit' is true or false; '" + autoCommit + "' was given.");
	}

}
