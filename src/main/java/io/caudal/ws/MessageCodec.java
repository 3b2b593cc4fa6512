package io.caudal.ws;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns {@link ServerMessage}s into UTF-8 JSON and JSON text into {@link ClientMessage}s, with the
 * application's JSON mapper, so requests are read as strictly as over HTTP. Records frames are not
 * written here but by {@link RecordsFrame}, from the stored bytes. Thread-safe.
 */
final class MessageCodec {

	/** Each client message record with its {@code type}, in declaration order. */
	private static final Map<Class<?>, String> CLIENT_TYPES = Stream
		.of(ClientMessage.class.getAnnotation(JsonSubTypes.class).value())
		.collect(Collectors.toMap(JsonSubTypes.Type::value, JsonSubTypes.Type::name, (a, b) -> a, LinkedHashMap::new));

	private final JsonMapper json;

	MessageCodec(JsonMapper json) {
		this.json = json;
	}

	/** The message as UTF-8 JSON. */
	ByteBuffer encode(ServerMessage message) {
		return ByteBuffer.wrap(this.json.writerFor(ServerMessage.class).writeValueAsBytes(message));
	}

	/**
	 * Reads one client message of the type this socket takes.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} with a sentence naming what is wrong:
	 * not JSON, no or an unknown {@code type}, an unknown field, a wrong type, or a message this
	 * socket does not take
	 */
	<T extends ClientMessage> T decode(String text, Class<T> expected) {
		ClientMessage message;
		try {
			message = this.json.readValue(text, ClientMessage.class);
		}
		catch (JacksonException ex) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, describe(ex));
		}
		if (message == null) {
			// The JSON literal null reads as no message at all.
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"A message is a JSON object with a \"type\", one of: " + knownTypes() + ".");
		}
		if (!expected.isInstance(message)) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST,
					"This socket does not take '" + CLIENT_TYPES.get(message.getClass()) + "' messages.");
		}
		return expected.cast(message);
	}

	/** A sentence about what is wrong with a message, naming the field, never a Java type. */
	private static String describe(JacksonException ex) {
		if (ex instanceof StreamReadException) {
			return "The message is not valid JSON: " + ex.getOriginalMessage() + ".";
		}
		if (ex instanceof InvalidTypeIdException invalidType) {
			String known = knownTypes();
			return (invalidType.getTypeId() == null)
					? "A message is a JSON object with a \"type\", one of: " + known + "."
					: "Unknown message type '" + invalidType.getTypeId() + "'; the types are: " + known + ".";
		}
		if (ex instanceof UnrecognizedPropertyException unknown) {
			return "Unknown field '" + unknown.getPropertyName() + "'.";
		}
		String field = ex.getPath()
			.stream()
			.map(ref -> (ref.getPropertyName() != null) ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
			.collect(Collectors.joining("."));
		return field.isEmpty() ? "A message is a JSON object with a \"type\", one of: " + knownTypes() + "."
				: "Field '" + field + "' has the wrong type or an invalid value.";
	}

	private static String knownTypes() {
		return String.join(", ", CLIENT_TYPES.values());
	}

}
