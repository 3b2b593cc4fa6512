package io.caudal.topic;

/** One partition of one topic; {@code toString} is Kafka's {@code orders-2}, also its directory name. */
public record TopicPartition(String topic, int partition) {

	@Override
	public String toString() {
		return this.topic + "-" + this.partition;
	}

}
