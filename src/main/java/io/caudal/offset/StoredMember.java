package io.caudal.offset;

import java.util.List;

/**
 * A member as the database keeps it. Everything but {@code generation} and the deadline is fixed when the member
 * joins.
 * @param memberId the id the coordinator gave it
 * @param instanceId its static instance id, or null
 * @param transport {@code http} or {@code websocket}
 * @param topics the topics it reads
 * @param sessionTimeoutMs how long it may stay silent
 * @param rebalanceTimeoutMs how long it may keep a partition it was told to give up
 * @param assignor the assignor it asked for
 * @param autoOffsetReset {@code earliest}, {@code latest} or {@code none}
 * @param joinOrder its rank by join time within the group, lowest first
 * @param generation the group generation it was last told
 * @param sessionDeadlineMs when its session ends, in the database's time; null where groups are not shared (a
 * single node gives every member a fresh session when it starts)
 * @param principal the principal that joined it, or null (security off)
 */
public record StoredMember(String memberId, String instanceId, String transport, List<String> topics,
		int sessionTimeoutMs, int rebalanceTimeoutMs, String assignor, String autoOffsetReset, long joinOrder,
		int generation, Long sessionDeadlineMs, String principal) {

	public StoredMember {
		topics = List.copyOf(topics);
	}

}
