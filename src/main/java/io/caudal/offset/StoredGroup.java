package io.caudal.offset;

import java.util.List;

/**
 * A group's durable membership, as loaded at start-up or, where groups are shared, for each action.
 * @param groupId the group
 * @param version moves with every write concerning the group
 * @param generation the group's generation
 * @param members its members, in join order
 * @param partitions the partitions it reads
 */
public record StoredGroup(String groupId, long version, int generation, List<StoredMember> members,
		List<StoredPartition> partitions) {

	public StoredGroup {
		members = List.copyOf(members);
		partitions = List.copyOf(partitions);
	}

}
