package io.caudal.offset;

import java.util.List;

/**
 * A group's durable membership as loaded at start-up.
 * @param groupId the group
 * @param generation the group's generation
 * @param members its members, in join order
 * @param partitions the partitions it reads
 */
public record StoredGroup(String groupId, int generation, List<StoredMember> members,
		List<StoredPartition> partitions) {

	public StoredGroup {
		members = List.copyOf(members);
		partitions = List.copyOf(partitions);
	}

}
