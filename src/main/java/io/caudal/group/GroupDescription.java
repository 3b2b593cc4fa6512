package io.caudal.group;

import java.util.List;

import io.caudal.topic.TopicPartition;

/**
 * A group in detail.
 * @param group the group id
 * @param state its state
 * @param generation its generation
 * @param leader the leader's member id, null when empty
 * @param assignor the leader's assignor, null when empty
 * @param members its members in join order
 * @param offsets every partition of the topics it reads or has offsets for
 */
public record GroupDescription(String group, GroupState state, int generation, String leader, String assignor,
		List<Member> members, List<PartitionLag> offsets) {

	/**
	 * @param memberId the member
	 * @param instanceId its static instance id, or null
	 * @param transport how it is connected
	 * @param topics the topics it reads
	 * @param assignment the partitions it owns and reads
	 * @param revoking the partitions it owns but is giving up
	 */
	public record Member(String memberId, String instanceId, Transport transport, List<String> topics,
			List<TopicPartition> assignment, List<TopicPartition> revoking) {
	}

	/**
	 * @param topic the topic
	 * @param partition the partition
	 * @param committedOffset the committed offset, or null
	 * @param endOffset the partition's end offset
	 * @param lag end offset minus committed offset, or null without a commit
	 */
	public record PartitionLag(String topic, int partition, Long committedOffset, long endOffset, Long lag) {
	}

}
