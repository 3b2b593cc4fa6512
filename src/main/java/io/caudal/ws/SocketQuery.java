package io.caudal.ws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The URI of a socket, {@code /ws/…/{name}?parameter=value&…}, read strictly: every parameter is
 * one the socket takes and is given once. The name and the values are URL-decoded.
 */
final class SocketQuery {

	private final String name;

	private final Map<String, String> parameters;

	/** The single-use ticket of {@code POST /ws-tickets} that identifies a socket's client. */
	private static final String TICKET = "ticket";

	private SocketQuery(String name, Map<String, String> parameters) {
		this.name = name;
		this.parameters = parameters;
	}

	/**
	 * @param known the parameters the socket takes
	 * @param socket what the socket is, for messages: "a tail"
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} naming an unknown or repeated
	 * parameter
	 */
	static SocketQuery parse(URI uri, List<String> known, String socket) {
		UriComponents components = UriComponentsBuilder.fromUri(uri).build();
		List<String> segments = components.getPathSegments();
		MultiValueMap<String, String> query = components.getQueryParams();
		Map<String, String> parameters = new HashMap<>();
		for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
			if (TICKET.equals(parameter.getKey())) {
				// Redeemed by the security filters before the handshake; every socket takes it.
				continue;
			}
			if (!known.contains(parameter.getKey())) {
				throw invalid("Unknown parameter '" + decode(parameter.getKey()) + "'; " + socket + " takes "
						+ quoted(known) + ".");
			}
			if (parameter.getValue().size() > 1) {
				throw invalid("Parameter '" + parameter.getKey() + "' is given more than once.");
			}
			parameters.put(parameter.getKey(), decode(parameter.getValue().get(0)));
		}
		return new SocketQuery(decode(segments.get(segments.size() - 1)), parameters);
	}

	/** The last segment of the path: the topic or the group. */
	String name() {
		return this.name;
	}

	/** A parameter's value, or null when it is not given. */
	String get(String parameter) {
		return this.parameters.get(parameter);
	}

	/**
	 * The first grant of records: the {@code credit} parameter, {@value Credit#DEFAULT_GRANT} by
	 * default.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} unless it is a whole number of at
	 * least 1
	 */
	long credit() {
		String credit = get("credit");
		if (credit == null) {
			return Credit.DEFAULT_GRANT;
		}
		Long records = wholeNumber(credit);
		if (records == null || records < 1) {
			throw invalid("Parameter 'credit' is a whole number of records of at least 1; '" + credit + "' was given.");
		}
		return records;
	}

	/** The number written in {@code text}, or null if it is not a whole number that fits a long. */
	static Long wholeNumber(String text) {
		try {
			return Long.valueOf(text);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

	private static String decode(String text) {
		return (text != null) ? UriUtils.decode(text, StandardCharsets.UTF_8) : null;
	}

	/** {@code 'a', 'b' and 'c'}. */
	private static String quoted(List<String> names) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < names.size(); i++) {
			if (i > 0) {
				text.append((i == names.size() - 1) ? " and " : ", ");
			}
			text.append('\'').append(names.get(i)).append('\'');
		}
		return text.toString();
	}

}
