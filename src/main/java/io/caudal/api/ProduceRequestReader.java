package io.caudal.api;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.ProduceRecord;
import io.caudal.topic.RecordHeader;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a produce request, {@code {"records":[{…},…]}}, in one streaming pass over its tokens: each value is copied
 * as it is read into its compact JSON text (numbers exactly as written), with no tree and no object per token. It is
 * as strict as the rest of the API: an unknown field, a wrong type, a fraction where a whole number belongs, a
 * repeated field or anything after the body is a 400 {@code INVALID_REQUEST} naming the field. A value larger than
 * the topic's {@code max.message.bytes} stops the reading there (413 {@code RECORD_TOO_LARGE}), so a huge value
 * costs at most that much memory. Thread-safe.
 */
final class ProduceRequestReader {

	/** Writes values without a separator between them, so each is exactly its own text. */
	private static final JsonFactory VALUES = JsonFactory.builder().rootValueSeparator((String) null).build();

	private final JsonMapper json;

	/** @param json the application's mapper, whose parser settings (duplicate detection, limits) apply */
	ProduceRequestReader(JsonMapper json) {
		this.json = json;
	}

	/**
	 * @param maxValueBytes the most bytes one value may take as compact JSON
	 * @return the records in request order; a JSON {@code null} in the list is a null element
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST}, {@link ErrorCode#RECORD_TOO_LARGE}, or
	 * {@link ErrorCode#REQUEST_TOO_LARGE} when the body passes {@code caudal.max-request-size}
	 */
	List<ProduceRecord> read(InputStream body, int maxValueBytes) {
		Values values = new Values(maxValueBytes);
		try (JsonParser parser = this.json.createParser(body);
				JsonGenerator generator = VALUES.createGenerator(ObjectWriteContext.empty(), values)) {
			List<ProduceRecord> records = null;
			expect(parser.nextToken(), JsonToken.START_OBJECT, "");
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String field = parser.currentName();
				if (!field.equals("records")) {
					throw invalid("Unknown field '" + field + "'.");
				}
				if (parser.nextToken() != JsonToken.VALUE_NULL) {
					expect(parser.currentToken(), JsonToken.START_ARRAY, "records");
					records = new ArrayList<>();
					while (parser.nextToken() != JsonToken.END_ARRAY) {
						records.add(readRecord(parser, generator, values, records.size()));
					}
				}
			}
			if (parser.nextToken() != null) {
				throw invalid("The request body holds more than one JSON value.");
			}
			return records;
		}
		catch (JacksonException ex) {
			throw unreadable(ex);
		}
	}

	private ProduceRecord readRecord(JsonParser parser, JsonGenerator generator, Values values, int index) {
		if (parser.currentToken() == JsonToken.VALUE_NULL) {
			return null;
		}
		String at = "records[" + index + "]";
		expect(parser.currentToken(), JsonToken.START_OBJECT, at);
		String key = null;
		String keyBytes = null;
		byte[] value = null;
		boolean valueGiven = false;
		String valueBytes = null;
		List<RecordHeader> headers = List.of();
		Integer partition = null;
		Long timestamp = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			JsonToken token = parser.nextToken();
			switch (field) {
				case "key" -> key = text(parser, at + ".key");
				case "keyBytes" -> keyBytes = text(parser, at + ".keyBytes");
				case "value" -> {
					valueGiven = true;
					value = (token == JsonToken.VALUE_NULL) ? null : values.copy(parser, generator, index);
				}
				case "valueBytes" -> valueBytes = text(parser, at + ".valueBytes");
				case "headers" -> headers = headers(parser, at + ".headers");
				case "partition" -> partition = (token == JsonToken.VALUE_NULL) ? null
						: Math.toIntExact(wholeNumber(parser, at + ".partition", Integer.MIN_VALUE, Integer.MAX_VALUE));
				case "timestamp" -> timestamp = (token == JsonToken.VALUE_NULL) ? null
						: wholeNumber(parser, at + ".timestamp", Long.MIN_VALUE, Long.MAX_VALUE);
				default -> throw invalid("Unknown field '" + at + "." + field + "'.");
			}
		}
		if (key != null && keyBytes != null) {
			throw invalid("Record " + index + " has both 'key' and 'keyBytes'; give one.");
		}
		if (valueGiven && valueBytes != null) {
			throw invalid("Record " + index + " has both 'value' and 'valueBytes'; give one.");
		}
		byte[] keyData = (keyBytes != null) ? base64(index, "keyBytes", keyBytes)
				: (key != null) ? key.getBytes(StandardCharsets.UTF_8) : null;
		byte[] valueData = (valueBytes != null) ? base64(index, "valueBytes", valueBytes) : value;
		return new ProduceRecord(keyData, valueData, headers, partition, timestamp);
	}

	private static List<RecordHeader> headers(JsonParser parser, String at) {
		if (parser.currentToken() == JsonToken.VALUE_NULL) {
			return List.of();
		}
		expect(parser.currentToken(), JsonToken.START_OBJECT, at);
		List<RecordHeader> headers = new ArrayList<>();
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			parser.nextToken();
			String value = text(parser, at + "." + name);
			headers.add(new RecordHeader(name, (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null));
		}
		return headers;
	}

	/** A string field's text, or null for JSON null; anything else is the wrong type. */
	private static String text(JsonParser parser, String at) {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		if (token != JsonToken.VALUE_STRING) {
			throw wrongType(at);
		}
		return parser.getString();
	}

	private static long wholeNumber(JsonParser parser, String at, long min, long max) {
		if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
			throw wrongType(at);
		}
		long number;
		try {
			number = parser.getLongValue();
		}
		catch (InputCoercionException ex) {
			throw invalid("Field '" + at + "' holds a number out of range.");
		}
		if (number < min || number > max) {
			throw invalid("Field '" + at + "' holds a number out of range.");
		}
		return number;
	}

	private static byte[] base64(int index, String field, String text) {
		try {
			return Base64.getDecoder().decode(text);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("Record " + index + " field '" + field + "' is not valid base64.");
		}
	}

	private static void expect(JsonToken token, JsonToken expected, String at) {
		if (token != expected) {
			throw at.isEmpty() ? invalid("The request body must be a JSON object with 'records'.") : wrongType(at);
		}
	}

	private static CaudalException wrongType(String at) {
		return invalid("Field '" + at + "' has the wrong type or an invalid value.");
	}

	private static CaudalException invalid(String detail) {
		return new CaudalException(ErrorCode.INVALID_REQUEST, detail);
	}

	private static CaudalException unreadable(JacksonException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestTooLargeException tooLarge) {
				return new CaudalException(ErrorCode.REQUEST_TOO_LARGE, tooLarge.getMessage(),
						Map.of("maxBytes", tooLarge.maxBytes()));
			}
			if (cause instanceof CaudalException caudal) {
				return caudal;
			}
		}
		return invalid("The request body is not valid JSON: " + ex.getOriginalMessage() + ".");
	}

	/**
	 * Where values are copied: each value's compact text, bounded by {@code max.message.bytes} while it is written.
	 * Not thread-safe: one per request.
	 */
	private static final class Values extends OutputStream {

		private final int maxValueBytes;

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private int index;

		Values(int maxValueBytes) {
			this.maxValueBytes = maxValueBytes;
		}

		/** Copies the value under the parser, any JSON value but null, and returns its compact text. */
		byte[] copy(JsonParser parser, JsonGenerator generator, int recordIndex) {
			this.bytes.reset();
			this.index = recordIndex;
			int depth = 0;
			do {
				JsonToken token = parser.currentToken();
				if (token.isNumeric()) {
					// The parser checked the number's syntax; its text is valid JSON as written.
					generator.writeNumber(parser.getText());
				}
				else {
					generator.copyCurrentEvent(parser);
				}
				depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
			}
			while (depth > 0 && parser.nextToken() != null);
			generator.flush();
			return this.bytes.toByteArray();
		}

		@Override
		public void write(int b) {
			check(1);
			this.bytes.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			check(len);
			this.bytes.write(b, off, len);
		}

		private void check(int more) {
			if ((long) this.bytes.size() + more > this.maxValueBytes) {
				throw new CaudalException(ErrorCode.RECORD_TOO_LARGE, "Record " + this.index + "'s value is more than "
						+ this.maxValueBytes + " bytes; the topic accepts records of at most that (max.message.bytes).",
						Map.of("index", this.index, "maxMessageBytes", this.maxValueBytes));
			}
		}

	}

}
