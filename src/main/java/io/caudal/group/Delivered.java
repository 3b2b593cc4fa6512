package io.caudal.group;

import java.util.Map;
import java.util.Set;

import io.caudal.topic.TopicPartition;

/**
 * The second round of a poll: what the member is told, which deliveries it got, and where it reads next.
 * @param assignment the member's answer
 * @param partitions the partitions whose delivery was accepted: still readable by the member, from the position the
 * plan gave; their positions moved past the records
 * @param positions the next offset of each partition the member reads, after this poll
 */
public record Delivered(MemberAssignment assignment, Set<TopicPartition> partitions,
		Map<TopicPartition, Long> positions) {

	public Delivered {
		partitions = Set.copyOf(partitions);
		positions = Map.copyOf(positions);
	}

}
