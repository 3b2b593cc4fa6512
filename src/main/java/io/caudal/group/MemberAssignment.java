package io.caudal.group;

import java.util.List;

import io.caudal.topic.TopicPartition;

/**
 * What a member is told in every answer.
 * @param memberId the member
 * @param generation the group's generation
 * @param leader the member id of the leader
 * @param assignment the partitions it owns and may read, in topic then partition order
 * @param revoking partitions it still owns but must give up: it gets no more records from them,
 * may still commit them, and releases them with its next call
 */
public record MemberAssignment(String memberId, int generation, String leader, List<TopicPartition> assignment,
		List<TopicPartition> revoking) {

	public MemberAssignment {
		assignment = List.copyOf(assignment);
		revoking = List.copyOf(revoking);
	}

}
