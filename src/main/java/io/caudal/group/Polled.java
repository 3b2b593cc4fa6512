package io.caudal.group;

import java.util.List;

import io.caudal.topic.PartitionRecords;

/**
 * The answer to an HTTP poll: the member's assignment and the records delivered to it.
 * @param assignment what the member is told
 * @param records the records, partition by partition, each in offset order
 */
public record Polled(MemberAssignment assignment, List<PartitionRecords> records) {

	public Polled {
		records = List.copyOf(records);
	}

}
