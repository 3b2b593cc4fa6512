package io.caudal.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.caudal.topic.TopicPartition;

/**
 * An assignor that moves as few partitions as it can: every partition stays with its previous
 * member while that member is still present and subscribed; orphaned partitions go to the least
 * loaded eligible member; then, while some member holds two or more partitions more than another
 * member that could take one of them, its highest such partition moves. Each move lowers the sum
 * of squared loads, so the loop ends; with identical subscriptions it ends balanced within one
 * partition, and the moves are the fewest that balance needs. Ties go to the earlier-joined member,
 * so the result is deterministic.
 */
final class StickyAssignor implements PartitionAssignor {

	static final String NAME = "sticky";

	static final StickyAssignor INSTANCE = new StickyAssignor();

	private StickyAssignor() {
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Map<String, List<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitionsPerTopic,
			Map<String, Set<TopicPartition>> previous) {
		Map<String, Subscription> byId = new LinkedHashMap<>();
		Map<String, TreeSet<TopicPartition>> assignment = new LinkedHashMap<>();
		for (Subscription member : members) {
			byId.put(member.memberId(), member);
			assignment.put(member.memberId(), new TreeSet<>(ORDER));
		}
		Set<TopicPartition> taken = new HashSet<>();
		previous.forEach((memberId, partitions) -> {
			Subscription member = byId.get(memberId);
			if (member == null) {
				return;
			}
			for (TopicPartition tp : partitions) {
				if (exists(tp, partitionsPerTopic) && member.topics().contains(tp.topic()) && taken.add(tp)) {
					assignment.get(memberId).add(tp);
				}
			}
		});
		for (String topic : new TreeSet<>(partitionsPerTopic.keySet())) {
			for (int partition = 0; partition < partitionsPerTopic.get(topic); partition++) {
				TopicPartition tp = new TopicPartition(topic, partition);
				if (!taken.contains(tp)) {
					leastLoaded(members, assignment, topic).ifPresent(memberId -> {
						assignment.get(memberId).add(tp);
						taken.add(tp);
					});
				}
			}
		}
		boolean moved = true;
		while (moved) {
			moved = moveOne(members, assignment);
		}
		Map<String, List<TopicPartition>> result = new LinkedHashMap<>();
		assignment.forEach((memberId, partitions) -> result.put(memberId, new ArrayList<>(partitions)));
		return result;
	}

	private static boolean exists(TopicPartition tp, Map<String, Integer> partitionsPerTopic) {
		Integer partitions = partitionsPerTopic.get(tp.topic());
		return partitions != null && tp.partition() >= 0 && tp.partition() < partitions;
	}

	private static Optional<String> leastLoaded(List<Subscription> members,
			Map<String, TreeSet<TopicPartition>> assignment, String topic) {
		return members.stream()
			.filter(member -> member.topics().contains(topic))
			.map(Subscription::memberId)
			.min(Comparator.comparingInt(memberId -> assignment.get(memberId).size()));
	}

	/**
	 * Moves one partition from the most loaded member that can give one to the least loaded member
	 * that can take it, when their loads differ by two or more.
	 */
	private static boolean moveOne(List<Subscription> members, Map<String, TreeSet<TopicPartition>> assignment) {
		List<Subscription> heaviestFirst = new ArrayList<>(members);
		heaviestFirst.sort(Comparator.comparingInt((Subscription m) -> assignment.get(m.memberId()).size()).reversed());
		List<Subscription> lightestFirst = new ArrayList<>(members);
		lightestFirst.sort(Comparator.comparingInt(m -> assignment.get(m.memberId()).size()));
		for (Subscription donor : heaviestFirst) {
			TreeSet<TopicPartition> given = assignment.get(donor.memberId());
			for (Subscription receiver : lightestFirst) {
				TreeSet<TopicPartition> taking = assignment.get(receiver.memberId());
				if (given.size() - taking.size() < 2) {
					break;
				}
				for (TopicPartition tp : given.descendingSet()) {
					if (receiver.topics().contains(tp.topic())) {
						given.remove(tp);
						taking.add(tp);
						return true;
					}
				}
			}
		}
		return false;
	}

}
