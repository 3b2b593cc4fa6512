package io.caudal.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.caudal.topic.TopicPartition;

/**
 * Kafka's round-robin assignor: all partitions in topic then partition order are dealt to the
 * members in join order, one each in turn, skipping members not subscribed to the partition's
 * topic. With identical subscriptions every member ends within one partition of every other.
 */
final class RoundRobinAssignor implements PartitionAssignor {

	static final String NAME = "roundrobin";

	static final RoundRobinAssignor INSTANCE = new RoundRobinAssignor();

	private RoundRobinAssignor() {
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Map<String, List<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitionsPerTopic,
			Map<String, Set<TopicPartition>> previous) {
		Map<String, List<TopicPartition>> assignment = new LinkedHashMap<>();
		members.forEach(member -> assignment.put(member.memberId(), new ArrayList<>()));
		if (members.isEmpty()) {
			return assignment;
		}
		int next = 0;
		for (String topic : new TreeSet<>(partitionsPerTopic.keySet())) {
			if (members.stream().noneMatch(member -> member.topics().contains(topic))) {
				continue;
			}
			for (int partition = 0; partition < partitionsPerTopic.get(topic); partition++) {
				while (!members.get(next).topics().contains(topic)) {
					next = (next + 1) % members.size();
				}
				assignment.get(members.get(next).memberId()).add(new TopicPartition(topic, partition));
				next = (next + 1) % members.size();
			}
		}
		return assignment;
	}

}
