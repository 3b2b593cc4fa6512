package io.caudal.ws;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message from a client to the server: one JSON text frame whose {@code type} names the record
 * below that it holds. Read strictly, like HTTP requests: unknown fields and wrong types are
 * refused.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = ClientMessage.Credit.class, name = "credit") })
sealed interface ClientMessage {

	/**
	 * {@code {"type":"credit","records":N}}: lets the server send N more records.
	 * @param records at least 1; null when missing
	 */
	record Credit(Long records) implements ClientMessage {
	}

}
