package io.caudal.group;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

import io.caudal.offset.PartitionOffset;
import io.caudal.topic.TopicPartition;

/**
 * Every group's committed offsets as last written to the {@link io.caudal.offset.OffsetStore}, kept in memory for
 * positions, lag and listings; the store stays the truth for fencing. Thread-safe; a group's entries are updated
 * after each successful write, in the order the writes were made.
 */
final class CommittedOffsets {

	private final ConcurrentMap<String, ConcurrentMap<TopicPartition, Long>> offsets = new ConcurrentHashMap<>();

	/** Replaces everything with what the store holds. */
	void load(Map<String, Map<TopicPartition, Long>> stored) {
		this.offsets.clear();
		stored.forEach((groupId, groupOffsets) -> this.offsets.put(groupId, new ConcurrentHashMap<>(groupOffsets)));
	}

	/** Replaces one group's offsets with what the store holds (another node may have written them). */
	void replaceGroup(String groupId, Map<TopicPartition, Long> stored) {
		if (stored.isEmpty()) {
			this.offsets.remove(groupId);
		}
		else {
			this.offsets.put(groupId, new ConcurrentHashMap<>(stored));
		}
	}

	/**
	 * Remembers offsets just written.
	 * @return whether a partition got its first committed offset (the lag meters need a new row)
	 */
	boolean remember(String groupId, Collection<PartitionOffset> written) {
		ConcurrentMap<TopicPartition, Long> groupOffsets = this.offsets.computeIfAbsent(groupId,
				id -> new ConcurrentHashMap<>());
		boolean added = false;
		for (PartitionOffset offset : written) {
			added |= groupOffsets.put(offset.topicPartition(), offset.offset()) == null;
		}
		return added;
	}

	/** The committed offset, or null. */
	Long get(String groupId, TopicPartition partition) {
		Map<TopicPartition, Long> groupOffsets = this.offsets.get(groupId);
		return (groupOffsets != null) ? groupOffsets.get(partition) : null;
	}

	boolean hasAny(String groupId) {
		Map<TopicPartition, Long> groupOffsets = this.offsets.get(groupId);
		return groupOffsets != null && !groupOffsets.isEmpty();
	}

	Set<String> groups() {
		return Set.copyOf(this.offsets.keySet());
	}

	void forgetGroup(String groupId) {
		this.offsets.remove(groupId);
	}

	/** Forgets every group's offsets of a deleted topic. */
	void forgetTopic(String topic) {
		this.offsets.values().forEach(groupOffsets -> groupOffsets.keySet().removeIf(tp -> tp.topic().equals(topic)));
		this.offsets.values().removeIf(Map::isEmpty);
	}

	/** Visits every committed offset: group id, then partition. */
	void forEach(BiConsumer<String, TopicPartition> visitor) {
		this.offsets.forEach((groupId, groupOffsets) -> groupOffsets.keySet().forEach(tp -> visitor.accept(groupId, tp)));
	}

}
