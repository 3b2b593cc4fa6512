package io.caudal.offset;

import io.caudal.topic.TopicPartition;

/**
 * An offset of one partition: a committed offset (the next offset to read) or a position.
 * @param topic the topic
 * @param partition the partition number
 * @param offset the offset
 */
public record PartitionOffset(String topic, int partition, long offset) {

	public static PartitionOffset of(TopicPartition tp, long offset) {
		return new PartitionOffset(tp.topic(), tp.partition(), offset);
	}

	public TopicPartition topicPartition() {
		return new TopicPartition(this.topic, this.partition);
	}

}
