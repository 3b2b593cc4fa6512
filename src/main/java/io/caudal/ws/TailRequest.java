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
		FetchPosition start = (from != null) ? FetchPosition.parseStart(from) : new FetchPosition.Latest();
		return new TailRequest(query.name(), start, query.credit());
	}

}
