package io.caudal.ws;

import java.net.URI;
import java.util.List;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.FetchPosition;

/**
 * What a socket on {@code /ws/topics/{topic}?from=…&credit=…} asks for.
 * @param topic the topic to tail
 * @param from where each partition starts: {@code earliest}, {@code latest} (the default) or
 * {@code timestamp:T}, the first record at or after T (epoch ms)
 * @param credit the first grant of records, {@value Credit#DEFAULT_GRANT} by default
 */
record TailRequest(String topic, FetchPosition from, long credit) {

	private static final List<String> PARAMETERS = List.of("from", "credit");

	/**
	 * Reads the URI of a socket on {@code /ws/topics/{topic}} strictly: unknown or repeated
	 * parameters are refused.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} naming the bad parameter
	 */
	static TailRequest parse(URI uri) {
		SocketQuery query = SocketQuery.parse(uri, PARAMETERS, "a tail");
		String from = query.get("from");
		return new TailRequest(query.name(), (from != null) ? position(from) : new FetchPosition.Latest(),
				query.credit());
	}

	private static FetchPosition position(String from) {
		if (from.equals("earliest")) {
			return new FetchPosition.Earliest();
		}
		if (from.equals("latest")) {
			return new FetchPosition.Latest();
		}
		if (from.startsWith("timestamp:")) {
			Long timestamp = SocketQuery.wholeNumber(from.substring("timestamp:".length()));
			if (timestamp != null && timestamp >= 0) {
				return new FetchPosition.AtTimestamp(timestamp);
			}
		}
		throw SocketQuery.invalid("Parameter 'from' is earliest, latest or timestamp:T with T in epoch milliseconds; '"
				+ from + "' was given.");
	}

}
