package io.caudal.offset;

import io.caudal.topic.TopicPartition;

/**
 * One partition a group reads: the member its target assigns it to and the member owning it now.
 * @param topicPartition the partition
 * @param targetMemberId the member the target assignment gives it to, or null
 * @param ownerMemberId the member owning it now, or null while it is free
 * @param revokedGeneration the generation whose answer told the owner to give it up, or null while it is not
 * being revoked
 * @param position the next offset the owner is delivered, or null when it has none yet or groups are not shared
 * @param releaseDeadlineMs when a revoked partition is released whatever its owner says, in the database's time;
 * null when it is not revoked or groups are not shared
 */
public record StoredPartition(TopicPartition topicPartition, String targetMemberId, String ownerMemberId,
		Integer revokedGeneration, Long position, Long releaseDeadlineMs) {

	/** Whether the owner has been told to give it up. */
	public boolean revoking() {
		return this.revokedGeneration != null;
	}

}
