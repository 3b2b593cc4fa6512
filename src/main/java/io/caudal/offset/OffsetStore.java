package io.caudal.offset;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicPartition;

/**
 * Where committed offsets and durable group membership live: the database behind the group coordinator
 * ({@link JdbcOffsetStore} on H2 by default, PostgreSQL when shared). Every method is one transaction; the store
 * is what fences commits, so an ownership check and the offset write it allows happen in the same transaction.
 * Implementations are thread-safe.
 */
public interface OffsetStore {

	/** Every committed offset of every group, group id to partition to offset. */
	Map<String, Map<TopicPartition, Long>> loadCommittedOffsets();

	/** The committed offsets of one group. */
	Map<TopicPartition, Long> committedOffsets(String groupId);

	/**
	 * Commits offsets for a member, checking first, partition by partition, that the member still owns each one.
	 * Nothing is written unless every check passes.
	 * @param generation the generation the member says it is in, or null to skip that check
	 * @param offsets the offsets, at most one per partition; may be empty (the member and generation are still
	 * checked)
	 * @param nowMs wall-clock time of the commit, kept with each offset
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER} when the member is not in the group;
	 * {@link ErrorCode#FENCED_MEMBER} when the generation is not the member's or it does not own a partition
	 */
	void commit(String groupId, String memberId, Integer generation, List<PartitionOffset> offsets, long nowMs);

	/** Sets offsets regardless of ownership (the caller made sure the group has no member). */
	void resetOffsets(String groupId, List<PartitionOffset> offsets, long nowMs);

	/** Removes every group's committed offsets for a topic. */
	void deleteOffsetsOfTopic(String topic);

	/** Removes a group: its committed offsets and its membership. */
	void deleteGroup(String groupId);

	/** Every group's membership, members in join order. */
	List<StoredGroup> loadGroups();

	/** Writes one operation's membership changes, and moves the group's version. */
	void apply(GroupChanges changes);

	/** One group's membership, or empty when it has no row. */
	Optional<StoredGroup> loadGroup(String groupId);

	/** Runs work in one transaction; the calls of this store made inside it join it. */
	<T> T inTransaction(Supplier<T> work);

	/**
	 * Locks a group's row until the surrounding transaction ends, so that no other node acts on the group meanwhile.
	 * @return the group's version, or empty when it has no row
	 */
	OptionalLong lockGroup(String groupId);

	/** Creates a group's row unless it exists, in a transaction of its own; safe when several nodes race. */
	void createGroup(String groupId);

	/** Now, in the database's time (see {@link DatabaseClock}). */
	long databaseTimeMs();

	/** The groups with a session or a revocation whose deadline, in the database's time, is before {@code nowMs}. */
	Set<String> groupsDue(long nowMs);

	/** How many members a principal joined over a transport ({@code http}, {@code websocket}), in every group. */
	int countMembers(String principal, String transport);

	/** Every group's version, by group id. */
	Map<String, Long> groupVersions();

}
