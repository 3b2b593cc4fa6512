package io.caudal.api;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** The body of a produce request, as the API document describes it; {@link ProduceRequestReader} reads it. */
final class RecordRequests {

	private RecordRequests() {
	}

	@Schema(description = "Records to append, answered in the same order", example = """
			{"records":[{"key":"user-42","value":{"amount":10},"headers":{"source":"web"}},\
			{"key":null,"value":"plain string","partition":0,"timestamp":1764000000000},\
			{"keyBytes":"AAEC","valueBytes":"3q2+7w=="}]}""")
	record Produce(@ArraySchema(arraySchema = @Schema(description = "At least one record",
			requiredMode = Schema.RequiredMode.REQUIRED), minItems = 1) List<ProducerRecord> records) {
	}

	@Schema(description = "One record: give key or keyBytes (or neither), value or valueBytes (or neither: a tombstone)")
	record ProducerRecord(
			@Schema(description = "UTF-8 key; picks the partition as Kafka's producer does; absent or null for none",
					types = { "string", "null" }) String key,
			@Schema(description = "Binary key, base64", format = "byte") String keyBytes,
			@Schema(description = "Any JSON value (object, array, string, number, boolean), stored as compact JSON "
					+ "text; absent or null makes a tombstone, a record without a value") JsonNode value,
			@Schema(description = "Binary value, base64", format = "byte") String valueBytes,
			@Schema(description = "Header names to UTF-8 values (null for a header without a value)")
			Map<String, String> headers,
			@Schema(description = "Force this partition instead of the key's", minimum = "0") Integer partition,
			@Schema(description = "Epoch milliseconds; default the server's clock", minimum = "0") Long timestamp) {
	}

}
