package io.caudal.topic;

import java.util.regex.Pattern;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * Kafka's rule for topic names: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, neither
 * {@code .} nor {@code ..}. The rule also keeps every partition directory, named
 * {@code <topic>-<partition>}, a plain child of the data directory.
 */
public final class TopicName {

	public static final int MAX_LENGTH = 249;

	private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1," + MAX_LENGTH + "}");

	private TopicName() {
	}

	/**
	 * Checks a topic name.
	 * @param name the candidate, may be null
	 * @return the name, unchanged
	 * @throws CaudalException with {@link ErrorCode#INVALID_TOPIC_NAME} when the name breaks the rule
	 */
	public static String validate(String name) {
		if (name == null || name.isEmpty()) {
			throw invalid("Topic name must not be empty.");
		}
		if (name.length() > MAX_LENGTH) {
			throw invalid("Topic name is " + name.length() + " characters long; the maximum is " + MAX_LENGTH + ".");
		}
		if (name.equals(".") || name.equals("..")) {
			throw invalid("Topic name cannot be '" + name + "'.");
		}
		if (!LEGAL.matcher(name).matches()) {
			throw invalid("Topic name '" + printable(name)
					+ "' is illegal: it may contain only ASCII letters, digits, '.', '_' and '-'.");
		}
		return name;
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_TOPIC_NAME, detail);
	}

	/** Echoes a rejected name without control characters, so a detail stays one readable line. */
	private static String printable(String name) {
		String shortened = name.length() > 60 ? name.substring(0, 60) + "..." : name;
		return shortened.codePoints()
			.map(c -> Character.isISOControl(c) ? '?' : c)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
	}

}
