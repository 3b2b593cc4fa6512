package io.caudal.api;

import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies of topic administration requests. */
final class TopicRequests {

	private TopicRequests() {
	}

	@Schema(description = "A new topic", example = """
			{"name":"orders","partitions":3,"replicationFactor":1,"config":{"retention.ms":604800000}}""")
	record Create(@Schema(description = "1-249 characters of [a-zA-Z0-9._-], not '.' or '..'",
			requiredMode = Schema.RequiredMode.REQUIRED, pattern = ApiDocumentCustomizer.NAME_PATTERN) String name,
			@Schema(description = "Partition count, 1 to the server maximum; default 1", minimum = "1")
			Integer partitions,
			@Schema(description = "Copies of each partition. The file engine keeps one (any other value is "
					+ "refused); on a Kafka cluster, 1 to the number of brokers, default the cluster's "
					+ "default.replication.factor", minimum = "1", maximum = "32767") Integer replicationFactor,
			@Schema(description = "Kafka-named settings: retention.ms, retention.bytes, segment.bytes, "
					+ "max.message.bytes, flush.ms, cleanup.policy, index.interval.bytes") Map<String, Object> config) {
	}

	@Schema(description = "A change to a topic: more partitions and/or settings", example = """
			{"partitions":6,"config":{"retention.ms":86400000}}""")
	record Update(@Schema(description = "The new partition count; never fewer than now", minimum = "1")
			Integer partitions,
			@Schema(description = "Settings to change") Map<String, Object> config) {
	}

}
