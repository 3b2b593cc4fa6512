package io.caudal.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.caudal.topic.TopicPartition;

/**
 * Kafka's range assignor: topic by topic, the members subscribed to it (in join order) each get a
 * contiguous range of its partitions, the first {@code partitions % members} one more than the
 * rest. Balanced within one partition per topic; across topics the first members may carry more.
 */
final class RangeAssignor implements PartitionAssignor {

	static final String NAME = "range";

	static final RangeAssignor INSTANCE = new RangeAssignor();

	private RangeAssignor() {
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
		for (String topic : new TreeSet<>(partitionsPerTopic.keySet())) {
			List<String> readers = members.stream()
				.filter(member -> member.topics().contains(topic))
				.map(Subscription::memberId)
				.toList();
			if (readers.isEmpty()) {
				continue;
			}
			int partitions = partitionsPerTopic.get(topic);
			int each = partitions / readers.size();
			int extra = partitions % readers.size();
			for (int i = 0; i < readers.size(); i++) {
				int start = i * each + Math.min(i, extra);
				int length = each + ((i < extra) ? 1 : 0);
				for (int partition = start; partition < start + length; partition++) {
					assignment.get(readers.get(i)).add(new TopicPartition(topic, partition));
				}
			}
		}
		return assignment;
	}

}
