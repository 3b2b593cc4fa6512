package io.caudal.api;

import java.io.ByteArrayOutputStream;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A record value as a client sent it: any JSON value, kept as its compact UTF-8 JSON text; an explicit
 * {@code null} is {@link #TOMBSTONE}, told apart from a field left out (Java {@code null}). It is copied token by
 * token from the request as the request is read, with numbers exactly as written ({@code 2e3} stays
 * {@code 2e3}); no tree is built.
 *
 * @param utf8 the compact JSON text; null for {@link #TOMBSTONE}
 */
@JsonDeserialize(using = JsonValue.Reader.class)
@Schema(description = "Any JSON value")
record JsonValue(byte[] utf8) {

	/** {@code "value": null}: a tombstone, given explicitly. */
	static final JsonValue TOMBSTONE = new JsonValue(null);

	/** Copies the value under the parser into compact JSON text. */
	static final class Reader extends ValueDeserializer<JsonValue> {

		private static final JsonFactory JSON = new JsonFactory();

		@Override
		public JsonValue getNullValue(DeserializationContext context) {
			return TOMBSTONE;
		}

		@Override
		public Object getAbsentValue(DeserializationContext context) {
			return null;
		}

		@Override
		public JsonValue deserialize(JsonParser parser, DeserializationContext context) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try (JsonGenerator generator = JSON.createGenerator(ObjectWriteContext.empty(), bytes)) {
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
			}
			return new JsonValue(bytes.toByteArray());
		}

	}

}
