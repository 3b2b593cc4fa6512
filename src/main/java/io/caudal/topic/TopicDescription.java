package io.caudal.topic;

import java.util.List;

/** A topic with the state of each of its partitions. */
public record TopicDescription(Topic topic, List<PartitionState> partitions) {
}
