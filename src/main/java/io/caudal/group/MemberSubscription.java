package io.caudal.group;

import java.util.List;

/**
 * Who joined a member and what it reads.
 * @param owner the principal that joined it, or null (security off)
 * @param topics the topics it reads
 */
public record MemberSubscription(String owner, List<String> topics) {

	public MemberSubscription {
		topics = List.copyOf(topics);
	}

}
