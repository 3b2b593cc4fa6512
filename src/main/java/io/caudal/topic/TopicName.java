package io.caudal.topic;

import java.util.regex.Pattern;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * Kafka's rule for topic names: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, neither
 * {@code .} nor {@code ..}. The rule also keeps every partition directory, named
 * {@code <topic>-<partition>}, a plain child of the data directory, and every name a plain path segment.
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
		String problem = problem("Topic name", name);
		if (problem != null) {
			throw new CaudalException(ErrorCode.INVALID_TOPIC_NAME, problem);
		}
		return name;
	}

	/**
	 * Why a name breaks the rule, or null; group ids follow it too, so that a group's {@code Location} leads back
	 * to it.
	 * @param what what the name names, to start the sentence, e.g. {@code Group id}
	 */
	public static String problem(String what, String name) {
		if (name == null || name.isEmpty()) {
			return what + " must not be empty.";
		}
		if (name.length() > MAX_LENGTH) {
			return what + " is " + name.length() + " characters long; the maximum is " + MAX_LENGTH + ".";
		}
		if (name.equals(".") || name.equals("..")) {
			return what + " cannot be '" + name + "'.";
		}
		if (!LEGAL.matcher(name).matches()) {
			return what + " '" + printable(name)
					+ "' is illegal: it may contain only ASCII letters, digits, '.', '_' and '-'.";
		}
		return null;
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
