package io.caudal.ws;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.caudal.error.CaudalException;
import io.caudal.topic.ConsumedRecord;

/**
 * A message from the server to a client: one JSON text frame whose {@code type} names the record
 * below that it holds.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = ServerMessage.Records.class, name = "records"),
		@JsonSubTypes.Type(value = ServerMessage.Problem.class, name = "error") })
sealed interface ServerMessage {

	/**
	 * {@code {"type":"records","records":[…]}}: records in the shape of an HTTP fetch answer.
	 * @param records one or more, each partition's in offset order
	 */
	record Records(List<ConsumedRecord> records) implements ServerMessage {
	}

	/**
	 * {@code {"type":"error","code":…,"message":…}}: a request that failed.
	 * @param code one of the contract's codes, as in HTTP problems
	 * @param message a sentence naming what was wrong
	 */
	record Problem(String code, String message) implements ServerMessage {

		static Problem of(CaudalException ex) {
			return new Problem(ex.code().name(), ex.getMessage());
		}

	}

}
