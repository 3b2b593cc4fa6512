package io.caudal.topic;

/** A topic's metadata: its name, partition count and validated configuration. */
public record Topic(String name, int partitions, TopicConfig config) {

	Topic withPartitions(int newPartitions) {
		return new Topic(this.name, newPartitions, this.config);
	}

	Topic withConfig(TopicConfig newConfig) {
		return new Topic(this.name, this.partitions, newConfig);
	}

}
