package io.caudal.topic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.caudal.log.Header;
import io.caudal.log.StoredRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A record as consumers receive it over HTTP and WebSocket. A key that is valid UTF-8 comes as
 * {@code key} (null for no key), any other as base64 {@code keyBytes}; a value that is valid JSON
 * comes as {@code value} (null for a tombstone), any other as base64 {@code valueBytes}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "topic", "partition", "offset", "timestamp", "key", "keyBytes", "value", "valueBytes", "headers" })
public record ConsumedRecord(String topic, int partition, long offset, long timestamp, Optional<String> key,
		String keyBytes, @JsonRawValue String value, String valueBytes, Map<String, String> headers) {

	private static final JsonFactory JSON = new JsonFactory();

	/** The JSON text of a tombstone's value. */
	private static final String NULL = "null";

	public static ConsumedRecord of(String topic, int partition, StoredRecord stored) {
		String keyText = (stored.key() != null) ? utf8(stored.key()) : null;
		Optional<String> key = (stored.key() == null) ? Optional.empty() : Optional.ofNullable(keyText);
		String keyBytes = (stored.key() != null && keyText == null) ? base64(stored.key()) : null;
		String valueText = (stored.value() != null) ? utf8(stored.value()) : NULL;
		boolean json = valueText != null && (stored.value() == null || isJson(valueText));
		String value = json ? valueText : null;
		String valueBytes = json ? null : base64(stored.value());
		Map<String, String> headers = new LinkedHashMap<>();
		for (Header header : stored.headers()) {
			headers.put(header.key(),
					(header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null);
		}
		return new ConsumedRecord(topic, partition, stored.offset(), stored.timestamp(),
				(keyBytes == null) ? key : null, keyBytes, value, valueBytes, headers);
	}

	private static String utf8(byte[] bytes) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/** Whether the text is exactly one JSON value; only then may it be embedded raw in an answer. */
	static boolean isJson(String text) {
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), text)) {
			if (parser.nextToken() == null) {
				return false;
			}
			parser.skipChildren();
			return parser.nextToken() == null;
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

}
