package io.caudal.group;

import java.util.List;
import java.util.Map;

import io.caudal.topic.ConsumedRecord;
import io.caudal.topic.TopicPartition;

/**
 * The answer to a poll: the member's assignment, the records delivered to it, and where it reads
 * next.
 * @param assignment what the member is told
 * @param records the records, partition by partition, each partition's in offset order
 * @param positions the next offset the member reads in each partition of its assignment, after
 * these records; a partition assigned while the poll ran may be missing
 */
public record Polled(MemberAssignment assignment, List<ConsumedRecord> records,
		Map<TopicPartition, Long> positions) {

	public Polled {
		records = List.copyOf(records);
		positions = Map.copyOf(positions);
	}

}
