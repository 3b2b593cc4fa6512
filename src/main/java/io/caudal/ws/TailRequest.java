package io.caudal.ws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.FetchPosition;

import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * What a socket on {@code /ws/topics/{topic}?from=…&credit=…} asks for.
 * @param topic the topic to tail
 * @param from where each partition starts: {@code earliest}, {@code latest} (the default) or
 * {@code timestamp:T}, the first record at or after T (epoch ms)
 * @param credit the first grant of records, {@value Credit#DEFAULT_GRANT} by default
 */
record TailRequest(String topic, FetchPosition from, long credit) {

	private static final Set<String> PARAMETERS = Set.of("from", "credit");

	/**
	 * Reads the URI of a socket on {@code /ws/topics/{topic}} strictly: unknown or repeated
	 * parameters are refused.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} naming the bad parameter
	 */
	static TailRequest parse(URI uri) {
		UriComponents components = UriComponentsBuilder.fromUri(uri).build();
		List<String> segments = components.getPathSegments();
		String topic = decode(segments.get(segments.size() - 1));
		MultiValueMap<String, String> query = components.getQueryParams();
		for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
			if (!PARAMETERS.contains(parameter.getKey())) {
				throw invalid("Unknown parameter '" + decode(parameter.getKey()) + "'; a tail takes 'from' and 'credit'.");
			}
			if (parameter.getValue().size() > 1) {
				throw invalid("Parameter '" + parameter.getKey() + "' is given more than once.");
			}
		}
		String from = decode(query.getFirst("from"));
		String credit = decode(query.getFirst("credit"));
		return new TailRequest(topic, (from != null) ? position(from) : new FetchPosition.Latest(),
				(credit != null) ? credit(credit) : Credit.DEFAULT_GRANT);
	}

	private static FetchPosition position(String from) {
		if (from.equals("earliest")) {
			return new FetchPosition.Earliest();
		}
		if (from.equals("latest")) {
			return new FetchPosition.Latest();
		}
		if (from.startsWith("timestamp:")) {
			Long timestamp = wholeNumber(from.substring("timestamp:".length()));
			if (timestamp != null && timestamp >= 0) {
				return new FetchPosition.AtTimestamp(timestamp);
			}
		}
		throw invalid("Parameter 'from' is earliest, latest or timestamp:T with T in epoch milliseconds; '" + from
				+ "' was given.");
	}

	private static long credit(String credit) {
		Long records = wholeNumber(credit);
		if (records == null || records < 1) {
			throw invalid("Parameter 'credit' is a whole number of records of at least 1; '" + credit + "' was given.");
		}
		return records;
	}

	private static Long wholeNumber(String text) {
		try {
			return Long.valueOf(text);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String decode(String text) {
		return (text != null) ? UriUtils.decode(text, StandardCharsets.UTF_8) : null;
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

}
