package io.caudal.group;

import java.util.List;

import io.caudal.topic.ConsumedRecord;

/**
 * The answer to a poll: the member's assignment and the records delivered to it.
 * @param assignment what the member is told
 * @param records the records, partition by partition, each partition's in offset order
 */
public record Polled(MemberAssignment assignment, List<ConsumedRecord> records) {

	public Polled {
		records = List.copyOf(records);
	}

}
