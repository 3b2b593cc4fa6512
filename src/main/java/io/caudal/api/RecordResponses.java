package io.caudal.api;

import java.util.List;
import java.util.Map;

import io.caudal.topic.RecordPosition;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/** The bodies of produce and offset-lookup answers. */
final class RecordResponses {

	private RecordResponses() {
	}

	@Schema(example = """
			{"offsets":[{"partition":1,"offset":17,"timestamp":1764000000123},\
			{"partition":0,"offset":4,"timestamp":1764000000000}]}""")
	record Produced(List<RecordPosition> offsets) {
	}

	@Schema(example = """
			{"offset":42}""")
	record Offset(long offset) {
	}

	/** The document's view of a {@link FetchAnswer}, which is written straight from stored bytes. */
	@Schema(description = "Records read from one partition, with where to read next", example = """
			{"records":[{"topic":"orders","partition":0,"offset":4,"timestamp":1764000000000,\
			"key":"user-42","value":{"amount":10},"headers":{"source":"web"}}],\
			"nextOffset":5,"startOffset":0,"endOffset":5}""")
	record Fetched(List<ConsumerRecord> records,
			@Schema(description = "The offset to read from next") long nextOffset,
			@Schema(description = "The partition's first stored offset") long startOffset,
			@Schema(description = "The offset the partition's next record will get") long endOffset) {
	}

	/** A record as answers and socket frames carry it; {@code RecordEncoder} writes it. */
	@Schema(description = "A stored record. It has key or keyBytes, and value or valueBytes: a key that is not UTF-8 "
			+ "comes as keyBytes, a value that is not JSON as valueBytes",
			requiredProperties = { "topic", "partition", "offset", "timestamp", "headers" })
	record ConsumerRecord(String topic, int partition, long offset,
			@Schema(description = "Epoch milliseconds") long timestamp,
			@Schema(description = "The UTF-8 key, or null for none", types = { "string", "null" }) String key,
			@Schema(description = "A key that is not UTF-8, base64", format = "byte") String keyBytes,
			@Schema(description = "The value, any JSON value, or null for a tombstone") JsonNode value,
			@Schema(description = "A value that is not JSON, base64", format = "byte") String valueBytes,
			@Schema(description = "Headers whose value is UTF-8 (null for a header without a value)")
			Map<String, String> headers,
			@Schema(description = "Headers whose value is not UTF-8, base64; only when there are some")
			Map<String, String> headerBytes) {
	}

}
