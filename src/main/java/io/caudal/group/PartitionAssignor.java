package io.caudal.group;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicPartition;

/**
 * Computes a group's target assignment: which member should own each partition of the topics
 * its members subscribe to. The leader's assignor is the one used. Implementations are stateless
 * and thread-safe, and deterministic: the same input always gives the same target, so a target
 * recomputed after a restart equals the one stored.
 */
public interface PartitionAssignor {

	/** The names a member may ask for, as the contract spells them. */
	List<String> NAMES = List.of(RangeAssignor.NAME, RoundRobinAssignor.NAME, StickyAssignor.NAME);

	/** Orders partitions by topic, then partition number. */
	Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
		.thenComparingInt(TopicPartition::partition);

	/** The name members use to ask for this assignor. */
	String name();

	/**
	 * Assigns every partition of every subscribed topic to exactly one member subscribed to it.
	 * @param members the members in join order (the leader first), each with its topics
	 * @param partitionsPerTopic the partition count of each subscribed topic that exists; a
	 * subscribed topic missing here has no partitions
	 * @param previous the previous target, member id to partitions; assignors that keep
	 * partitions where they are use it, others ignore it
	 * @return each member's partitions, in {@link #ORDER}; every member is a key, possibly with
	 * no partitions
	 */
	Map<String, List<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitionsPerTopic,
			Map<String, Set<TopicPartition>> previous);

	/**
	 * The assignor of a name.
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for an unknown name
	 */
	static PartitionAssignor named(String name) {
		if (RangeAssignor.NAME.equals(name)) {
			return RangeAssignor.INSTANCE;
		}
		if (RoundRobinAssignor.NAME.equals(name)) {
			return RoundRobinAssignor.INSTANCE;
		}
		if (StickyAssignor.NAME.equals(name)) {
			return StickyAssignor.INSTANCE;
		}
		throw new CaudalException(ErrorCode.INVALID_REQUEST,
				"Assignor '" + name + "' is unknown; use one of " + String.join(", ", NAMES) + ".");
	}

	/** One member as an assignor sees it: its id and the topics it reads. */
	record Subscription(String memberId, Set<String> topics) {

		public Subscription {
			topics = Set.copyOf(topics);
		}

	}

}
