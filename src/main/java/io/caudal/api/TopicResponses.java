package io.caudal.api;

import java.util.List;
import java.util.Map;

import io.caudal.security.AccessControl;
import io.caudal.security.ResourceType;
import io.caudal.topic.PartitionState;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicDescription;
import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies of topic administration answers. */
final class TopicResponses {

	/** The description of {@code authorizedOperations}, in every answer that has them. */
	static final String AUTHORIZED_OPERATIONS = "The operations of Kafka's ACLs the caller may perform on this "
			+ "resource (all of them with security off), as Kafka's authorizedOperations";

	private TopicResponses() {
	}

	@Schema(example = """
			{"partition":2}""")
	record PartitionForKey(@Schema(description = "The partition the key goes to") int partition) {
	}

	@Schema(example = """
			{"name":"orders","partitions":3}""")
	record Summary(String name, int partitions) {

		static Summary of(Topic topic) {
			return new Summary(topic.name(), topic.partitions());
		}

	}

	@Schema(example = """
			{"name":"orders","partitions":1,"replicationFactor":1,"config":{"cleanup.policy":"delete","flush.ms":0,"index.interval.bytes":4096,\
			"max.message.bytes":1048588,"retention.bytes":-1,"retention.ms":604800000,"segment.bytes":1073741824},\
			"partitionInfo":[{"partition":0,"startOffset":0,"endOffset":42,"sizeBytes":5130}],\
			"authorizedOperations":["READ","WRITE","DELETE","ALTER","DESCRIBE","DESCRIBE_CONFIGS","ALTER_CONFIGS"]}""")
	record Description(String name, int partitions,
			@Schema(description = "Copies of each partition: 1 on the file engine") int replicationFactor,
			Map<String, Object> config, List<PartitionInfo> partitionInfo,
			@Schema(description = AUTHORIZED_OPERATIONS) List<String> authorizedOperations) {

		static Description of(TopicDescription description, AccessControl access) {
			Topic topic = description.topic();
			return new Description(topic.name(), topic.partitions(), topic.replicationFactor(),
					topic.config().effective(), description.partitions().stream().map(PartitionInfo::of).toList(),
					access.authorizedOperations(ResourceType.TOPIC, topic.name()));
		}

	}

	record PartitionInfo(int partition, long startOffset, long endOffset, long sizeBytes) {

		static PartitionInfo of(PartitionState state) {
			return new PartitionInfo(state.partition(), state.startOffset(), state.endOffset(), state.sizeBytes());
		}

	}

}
