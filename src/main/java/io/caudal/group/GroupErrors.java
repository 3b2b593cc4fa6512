package io.caudal.group;

import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicName;

/** The coordinator's refusals, worded once. Stateless. */
final class GroupErrors {

	private GroupErrors() {
	}

	/** The member, or {@link ErrorCode#UNKNOWN_MEMBER}. Call under the group's lock. */
	static GroupMember member(ConsumerGroup group, String memberId) {
		GroupMember member = group.member(memberId);
		if (member == null) {
			throw unknownMemberException(group.groupId(), memberId);
		}
		return member;
	}

	/** What to answer for a member of a group that is not in memory at all. */
	static <T> Supplier<T> unknownMember(String groupId, String memberId) {
		return () -> {
			throw unknownMemberException(groupId, memberId);
		};
	}

	private static CaudalException unknownMemberException(String groupId, String memberId) {
		return new CaudalException(ErrorCode.UNKNOWN_MEMBER, "Member " + memberId + " is not in group '" + groupId
				+ "': its session ended or it left; join again.");
	}

	static CaudalException groupNotFound(String groupId) {
		return new CaudalException(ErrorCode.GROUP_NOT_FOUND,
				"Group '" + groupId + "' has no members and no committed offsets.");
	}

	/**
	 * Checks the id of a group being created (a join, an offset reset). Groups stored under ids an earlier version
	 * accepted stay describable and deletable: those calls do not check.
	 */
	static void checkGroupId(String groupId) {
		String problem = TopicName.problem("Group id", groupId);
		if (problem != null) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, problem);
		}
	}

}
