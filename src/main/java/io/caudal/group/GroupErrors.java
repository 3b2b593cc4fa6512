package io.caudal.group;

import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/** The coordinator's refusals, worded once. Stateless. */
final class GroupErrors {

	static final int MAX_GROUP_ID_LENGTH = 255;

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

	static void checkGroupId(String groupId) {
		if (groupId == null || groupId.isEmpty() || groupId.length() > MAX_GROUP_ID_LENGTH
				|| groupId.chars().anyMatch(Character::isISOControl)) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "A group id is 1 to " + MAX_GROUP_ID_LENGTH
					+ " characters long, without control characters.");
		}
	}

}
