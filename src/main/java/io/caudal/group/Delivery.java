package io.caudal.group;

import io.caudal.topic.PartitionRecords;
import io.caudal.topic.TopicPartition;

/**
 * Records of one partition a poll hands to a member: {@code [fromOffset, nextOffset)}.
 * @param partition the partition
 * @param fromOffset the position the records were read from, as the poll's plan gave it
 * @param nextOffset the offset after the last record handed over
 */
public record Delivery(TopicPartition partition, long fromOffset, long nextOffset) {

	/** All the records of a read. */
	public static Delivery of(PartitionRecords records) {
		return new Delivery(records.partition(), records.fromOffset(), records.nextOffset());
	}

}
