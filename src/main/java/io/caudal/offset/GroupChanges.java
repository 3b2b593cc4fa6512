package io.caudal.offset;

import java.util.List;

import io.caudal.topic.TopicPartition;

/**
 * What one coordinator operation changed in a group's membership, written in one transaction.
 * @param groupId the group
 * @param generation the group's generation after the change
 * @param removed whether the group's membership rows go altogether (its offsets stay)
 * @param savedMembers members that joined or whose generation changed
 * @param deletedMembers ids of members that left
 * @param savedPartitions partitions whose target, owner or revoking flag changed
 * @param deletedPartitions partitions the group no longer reads
 */
public record GroupChanges(String groupId, int generation, boolean removed, List<StoredMember> savedMembers,
		List<String> deletedMembers, List<StoredPartition> savedPartitions, List<TopicPartition> deletedPartitions) {

	public GroupChanges {
		savedMembers = List.copyOf(savedMembers);
		deletedMembers = List.copyOf(deletedMembers);
		savedPartitions = List.copyOf(savedPartitions);
		deletedPartitions = List.copyOf(deletedPartitions);
	}

}
