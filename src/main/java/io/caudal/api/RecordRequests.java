package io.caudal.api;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of a produce request, as the API document describes it; {@link ProduceRequestReader} reads it. */
final class RecordRequests {

	private RecordRequests() {
	}

	@Schema(description = "Records to append, answered in the same order", example = """
			{"records":[{"key":"user-42","value":{"amount":10},"headers":{"source":"web"}},\
			{"key":null,"value":"plain string","partition":0,"timestamp":1764000000000},\
			{"keyBytes":"AAEC","valueBytes":"3q2+7w=="}]}""")
	record Produce(List<Record> records) {
	}

	@Schema(description = "One record: give key or keyBytes (or neither), value or valueBytes (or neither: a tombstone)")
	record Record(@Schema(description = "UTF-8 key; picks the partition as Kafka's producer does") String key,
			@Schema(description = "Binary key, base64") String keyBytes,
			@Schema(description = "Any JSON value, stored as compact JSON text; null is a tombstone") Object value,
			@Schema(description = "Binary value, base64") String valueBytes,
			@Schema(description = "Header names to UTF-8 values") Map<String, String> headers,
			@Schema(description = "Force this partition instead of the key's") Integer partition,
			@Schema(description = "Epoch milliseconds; default the server's clock") Long timestamp) {
	}

}
