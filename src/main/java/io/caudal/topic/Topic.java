package io.caudal.topic;

/**
 * A topic's metadata: its name, partition count, how many copies of each partition the storage keeps, and its
 * validated configuration.
 */
public record Topic(String name, int partitions, int replicationFactor, TopicConfig config) {

	/** A topic with one copy of each partition, as the file engine keeps. */
	public Topic(String name, int partitions, TopicConfig config) {
		this(name, partitions, 1, config);
	}

	Topic withPartitions(int newPartitions) {
		return new Topic(this.name, newPartitions, this.replicationFactor, this.config);
	}

	Topic withConfig(TopicConfig newConfig) {
		return new Topic(this.name, this.partitions, this.replicationFactor, newConfig);
	}

}
