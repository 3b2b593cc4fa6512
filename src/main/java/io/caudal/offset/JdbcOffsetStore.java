package io.caudal.offset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.topic.TopicPartition;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Committed offsets and durable group membership over JDBC: the tables {@code consumer_groups},
 * {@code group_members}, {@code group_member_topics}, {@code group_partitions} and
 * {@code committed_offsets}.
 *
 * <p>
 * Every change is one transaction. A commit locks the group's row (moving its version), the member's row and then
 * each partition's ownership row ({@code SELECT ... FOR UPDATE}, partitions in topic-then-partition order) before
 * it writes, so a commit and a change of ownership are serialized by the database itself: a zombie's commit either
 * ran while it still owned the partition or sees it gone and writes nothing. Membership changes take the group's
 * row, then member rows, then partition rows, the same order, so the two cannot deadlock. SQL is portable (H2, PostgreSQL): an upsert is an UPDATE and, when it matched
 * no row, an INSERT; text that reaches an answer (a member's topics) is sorted in Java, not by the
 * database, whose order of text follows its collation.
 *
 * <p>
 * Thread-safe: it keeps no state of its own.
 */
public class JdbcOffsetStore implements OffsetStore {

	private static final Comparator<PartitionOffset> PARTITION_ORDER = Comparator.comparing(PartitionOffset::topic)
		.thenComparingInt(PartitionOffset::partition);

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final TransactionTemplate ownTransactions;

	private final DatabaseClock clock;

	public JdbcOffsetStore(JdbcClient jdbc, PlatformTransactionManager transactionManager, DatabaseClock clock) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.ownTransactions = new TransactionTemplate(transactionManager);
		this.ownTransactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.clock = clock;
	}

	/** Every committed offset of every group, group id to partition to offset. */
	@Override
	public Map<String, Map<TopicPartition, Long>> loadCommittedOffsets() {
		Map<String, Map<TopicPartition, Long>> offsets = new HashMap<>();
		this.jdbc.sql("SELECT group_id, topic, partition_index, committed_offset FROM committed_offsets")
			.query(rs -> {
				offsets.computeIfAbsent(rs.getString(1), group -> new HashMap<>())
					.put(new TopicPartition(rs.getString(2), rs.getInt(3)), rs.getLong(4));
			});
		return offsets;
	}

	/** The committed offsets of one group. */
	@Override
	public Map<TopicPartition, Long> committedOffsets(String groupId) {
		Map<TopicPartition, Long> offsets = new HashMap<>();
		this.jdbc.sql("SELECT topic, partition_index, committed_offset FROM committed_offsets WHERE group_id = ?")
			.param(groupId)
			.query(rs -> {
				offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
			});
		return offsets;
	}

	/**
	 * Commits offsets for a member, in one transaction that first checks, partition by partition,
	 * that the member still owns each one. Nothing is written unless every check passes.
	 * @param generation the generation the member says it is in, or null to skip that check
	 * @param offsets the offsets, at most one per partition; may be empty (the member and
	 * generation are still checked)
	 * @param nowMs wall-clock time of the commit, kept with each offset
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER} when the member is not in the
	 * group; {@link ErrorCode#FENCED_MEMBER} when the generation is not the member's or it does
	 * not own a partition
	 */
	@Override
	public void commit(String groupId, String memberId, Integer generation, List<PartitionOffset> offsets,
			long nowMs) {
		List<PartitionOffset> sorted = new ArrayList<>(offsets);
		sorted.sort(PARTITION_ORDER);
		this.transactions.executeWithoutResult(status -> {
			// The group's row first, the order every change of a group takes its locks in; moving its version tells
			// other nodes that the offsets they may have cached changed.
			this.jdbc.sql("UPDATE consumer_groups SET version = version + 1 WHERE group_id = ?").param(groupId).update();
			Integer memberGeneration = this.jdbc
				.sql("SELECT generation FROM group_members WHERE group_id = ? AND member_id = ? FOR UPDATE")
				.params(groupId, memberId)
				.query(Integer.class)
				.optional()
				.orElseThrow(() -> new CaudalException(ErrorCode.UNKNOWN_MEMBER, "Member " + memberId
						+ " is not in group '" + groupId + "': its session ended or it left; join again."));
			if (generation != null && generation.intValue() != memberGeneration) {
				throw new CaudalException(ErrorCode.FENCED_MEMBER,
						"Member " + memberId + " of group '" + groupId + "' committed with generation " + generation
								+ ", but its generation is " + memberGeneration + "; nothing was committed.",
						Map.of("generation", memberGeneration));
			}
			for (PartitionOffset offset : sorted) {
				String owner = this.jdbc
					.sql("SELECT owner_member_id FROM group_partitions"
							+ " WHERE group_id = ? AND topic = ? AND partition_index = ? FOR UPDATE")
					.params(groupId, offset.topic(), offset.partition())
					.query(String.class)
					.optional()
					.orElse(null);
				if (!memberId.equals(owner)) {
					throw new CaudalException(ErrorCode.FENCED_MEMBER,
							"Member " + memberId + " of group '" + groupId + "' does not own partition "
									+ offset.topicPartition() + " in generation " + memberGeneration
									+ "; nothing was committed.",
							Map.of("generation", memberGeneration));
				}
			}
			for (PartitionOffset offset : sorted) {
				writeOffset(groupId, offset, nowMs);
			}
		});
	}

	/** Sets offsets regardless of ownership (the caller made sure the group has no member), in one transaction. */
	@Override
	public void resetOffsets(String groupId, List<PartitionOffset> offsets, long nowMs) {
		this.transactions
			.executeWithoutResult(status -> offsets.forEach(offset -> writeOffset(groupId, offset, nowMs)));
	}

	/** Removes every group's committed offsets for a topic. */
	@Override
	public void deleteOffsetsOfTopic(String topic) {
		this.jdbc.sql("DELETE FROM committed_offsets WHERE topic = ?").param(topic).update();
	}

	/** Removes a group: its committed offsets and its membership rows, in one transaction. */
	@Override
	public void deleteGroup(String groupId) {
		this.transactions.executeWithoutResult(status -> {
			this.jdbc.sql("DELETE FROM committed_offsets WHERE group_id = ?").param(groupId).update();
			this.jdbc.sql("DELETE FROM consumer_groups WHERE group_id = ?").param(groupId).update();
		});
	}

	/** Every group's membership, members in join order. */
	@Override
	public List<StoredGroup> loadGroups() {
		return loadGroups("", List.of());
	}

	@Override
	public Optional<StoredGroup> loadGroup(String groupId) {
		return loadGroups(" WHERE group_id = ?", List.of(groupId)).stream().findFirst();
	}

	@Override
	public <T> T inTransaction(Supplier<T> work) {
		return this.transactions.execute(status -> work.get());
	}

	@Override
	public OptionalLong lockGroup(String groupId) {
		return this.jdbc.sql("SELECT version FROM consumer_groups WHERE group_id = ? FOR UPDATE")
			.param(groupId)
			.query(Long.class)
			.optional()
			.map(OptionalLong::of)
			.orElse(OptionalLong.empty());
	}

	@Override
	public void createGroup(String groupId) {
		try {
			this.ownTransactions.executeWithoutResult(status -> this.jdbc
				.sql("INSERT INTO consumer_groups (group_id, generation, version)"
						+ " SELECT ?, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM consumer_groups WHERE group_id = ?)")
				.params(groupId, groupId)
				.update());
		}
		catch (DuplicateKeyException ex) {
			// Another node created it at the same moment: it exists, which is all the caller asked.
		}
	}

	@Override
	public long databaseTimeMs() {
		return this.clock.nowMs();
	}

	@Override
	public Set<String> groupsDue(long nowMs) {
		Set<String> due = new TreeSet<>();
		this.jdbc.sql("SELECT group_id FROM group_members WHERE session_deadline_ms < ?"
				+ " UNION SELECT group_id FROM group_partitions WHERE release_deadline_ms < ?")
			.params(nowMs, nowMs)
			.query(rs -> {
				due.add(rs.getString(1));
			});
		return due;
	}

	@Override
	public int countMembers(String principal, String transport) {
		return this.jdbc.sql("SELECT COUNT(*) FROM group_members WHERE principal = ? AND transport = ?")
			.params(principal, transport)
			.query(Integer.class)
			.single();
	}

	@Override
	public Map<String, Long> groupVersions() {
		Map<String, Long> versions = new HashMap<>();
		this.jdbc.sql("SELECT group_id, version FROM consumer_groups").query(rs -> {
			versions.put(rs.getString(1), rs.getLong(2));
		});
		return versions;
	}

	private List<StoredGroup> loadGroups(String where, List<Object> params) {
		Map<String, long[]> versions = new LinkedHashMap<>();
		this.jdbc.sql("SELECT group_id, generation, version FROM consumer_groups" + where + " ORDER BY group_id")
			.params(params)
			.query(rs -> {
				versions.put(rs.getString(1), new long[] { rs.getInt(2), rs.getLong(3) });
			});
		Map<String, Map<String, List<String>>> topics = new HashMap<>();
		this.jdbc.sql("SELECT group_id, member_id, topic FROM group_member_topics" + where)
			.params(params)
			.query(rs -> {
				topics.computeIfAbsent(rs.getString(1), group -> new HashMap<>())
					.computeIfAbsent(rs.getString(2), member -> new ArrayList<>())
					.add(rs.getString(3));
			});
		topics.values().forEach(byMember -> byMember.values().forEach(Collections::sort));
		Map<String, List<StoredMember>> members = new HashMap<>();
		this.jdbc.sql("SELECT group_id, member_id, instance_id, transport, session_timeout_ms, assignor,"
				+ " auto_offset_reset, join_order, generation, rebalance_timeout_ms, session_deadline_ms, principal"
				+ " FROM group_members" + where + " ORDER BY group_id, join_order")
			.params(params)
			.query(rs -> {
				String groupId = rs.getString(1);
				String memberId = rs.getString(2);
				members.computeIfAbsent(groupId, group -> new ArrayList<>())
					.add(new StoredMember(memberId, rs.getString(3), rs.getString(4),
							topics.getOrDefault(groupId, Map.of()).getOrDefault(memberId, List.of()), rs.getInt(5),
							rs.getInt(10), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getInt(9),
							rs.getObject(11, Long.class), rs.getString(12)));
			});
		Map<String, List<StoredPartition>> partitions = new HashMap<>();
		this.jdbc.sql("SELECT group_id, topic, partition_index, target_member_id, owner_member_id, revoking,"
				+ " revoked_generation, delivered_position, release_deadline_ms FROM group_partitions" + where
				+ " ORDER BY group_id, topic, partition_index")
			.params(params)
			.query(rs -> {
				String groupId = rs.getString(1);
				Integer revokedGeneration = null;
				if (rs.getBoolean(6)) {
					// Rows written before revocations kept a generation are revoked by the group's current one.
					Integer stored = rs.getObject(7, Integer.class);
					revokedGeneration = (stored != null) ? stored
							: (int) versions.getOrDefault(groupId, new long[] { 0, 0 })[0];
				}
				partitions.computeIfAbsent(groupId, group -> new ArrayList<>())
					.add(new StoredPartition(new TopicPartition(rs.getString(2), rs.getInt(3)), rs.getString(4),
							rs.getString(5), revokedGeneration, rs.getObject(8, Long.class),
							rs.getObject(9, Long.class)));
			});
		List<StoredGroup> groups = new ArrayList<>();
		versions.forEach((groupId, generationAndVersion) -> groups.add(new StoredGroup(groupId,
				generationAndVersion[1], (int) generationAndVersion[0], members.getOrDefault(groupId, List.of()),
				partitions.getOrDefault(groupId, List.of()))));
		return groups;
	}

	/**
	 * Writes one operation's membership changes in one transaction: the group row, then member
	 * rows (leavers first), then partition rows, the order commits take their locks in.
	 */
	@Override
	public void apply(GroupChanges changes) {
		String groupId = changes.groupId();
		this.transactions.executeWithoutResult(status -> {
			if (changes.removed()) {
				this.jdbc.sql("DELETE FROM consumer_groups WHERE group_id = ?").param(groupId).update();
				return;
			}
			int updated = this.jdbc
				.sql("UPDATE consumer_groups SET generation = ?, version = version + 1 WHERE group_id = ?")
				.params(changes.generation(), groupId)
				.update();
			if (updated == 0) {
				this.jdbc.sql("INSERT INTO consumer_groups (group_id, generation, version) VALUES (?, ?, 1)")
					.params(groupId, changes.generation())
					.update();
			}
			for (String memberId : changes.deletedMembers().stream().sorted().toList()) {
				this.jdbc.sql("DELETE FROM group_members WHERE group_id = ? AND member_id = ?")
					.params(groupId, memberId)
					.update();
			}
			changes.savedMembers()
				.stream()
				.sorted(Comparator.comparing(StoredMember::memberId))
				.forEach(member -> saveMember(groupId, member));
			for (TopicPartition tp : changes.deletedPartitions()) {
				this.jdbc.sql("DELETE FROM group_partitions WHERE group_id = ? AND topic = ? AND partition_index = ?")
					.params(groupId, tp.topic(), tp.partition())
					.update();
			}
			changes.savedPartitions()
				.stream()
				.sorted(Comparator.comparing(StoredPartition::topicPartition, Comparator
					.comparing(TopicPartition::topic)
					.thenComparingInt(TopicPartition::partition)))
				.forEach(partition -> savePartition(groupId, partition));
		});
	}

	private void saveMember(String groupId, StoredMember member) {
		int updated = this.jdbc
			.sql("UPDATE group_members SET generation = ?, session_deadline_ms = ? WHERE group_id = ? AND member_id = ?")
			.params(member.generation(), member.sessionDeadlineMs(), groupId, member.memberId())
			.update();
		if (updated > 0) {
			return;
		}
		this.jdbc.sql("INSERT INTO group_members (group_id, member_id, instance_id, transport, session_timeout_ms,"
				+ " rebalance_timeout_ms, assignor, auto_offset_reset, join_order, generation, session_deadline_ms,"
				+ " principal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(groupId, member.memberId(), member.instanceId(), member.transport(), member.sessionTimeoutMs(),
					member.rebalanceTimeoutMs(), member.assignor(), member.autoOffsetReset(), member.joinOrder(),
					member.generation(), member.sessionDeadlineMs(), member.principal())
			.update();
		for (String topic : member.topics()) {
			this.jdbc.sql("INSERT INTO group_member_topics (group_id, member_id, topic) VALUES (?, ?, ?)")
				.params(groupId, member.memberId(), topic)
				.update();
		}
	}

	private void savePartition(String groupId, StoredPartition partition) {
		TopicPartition tp = partition.topicPartition();
		int updated = this.jdbc
			.sql("UPDATE group_partitions SET target_member_id = ?, owner_member_id = ?, revoking = ?,"
					+ " revoked_generation = ?, delivered_position = ?, release_deadline_ms = ?"
					+ " WHERE group_id = ? AND topic = ? AND partition_index = ?")
			.params(partition.targetMemberId(), partition.ownerMemberId(), partition.revoking(),
					partition.revokedGeneration(), partition.position(), partition.releaseDeadlineMs(), groupId,
					tp.topic(), tp.partition())
			.update();
		if (updated == 0) {
			this.jdbc.sql("INSERT INTO group_partitions (group_id, topic, partition_index, target_member_id,"
					+ " owner_member_id, revoking, revoked_generation, delivered_position, release_deadline_ms)"
					+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
				.params(groupId, tp.topic(), tp.partition(), partition.targetMemberId(), partition.ownerMemberId(),
						partition.revoking(), partition.revokedGeneration(), partition.position(),
						partition.releaseDeadlineMs())
				.update();
		}
	}

	private void writeOffset(String groupId, PartitionOffset offset, long nowMs) {
		int updated = this.jdbc
			.sql("UPDATE committed_offsets SET committed_offset = ?, committed_at = ?"
					+ " WHERE group_id = ? AND topic = ? AND partition_index = ?")
			.params(offset.offset(), nowMs, groupId, offset.topic(), offset.partition())
			.update();
		if (updated == 0) {
			this.jdbc.sql("INSERT INTO committed_offsets (group_id, topic, partition_index, committed_offset,"
					+ " committed_at) VALUES (?, ?, ?, ?, ?)")
				.params(groupId, offset.topic(), offset.partition(), offset.offset(), nowMs)
				.update();
		}
	}

}
