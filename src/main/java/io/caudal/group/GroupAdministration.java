package io.caudal.group;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.OffsetStore;
import io.caudal.offset.PartitionOffset;
import io.caudal.time.Time;
import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionState;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does with groups, as opposed to what members do: list and describe them with their lag, reset
 * their committed offsets, delete them, and drop the offsets of deleted topics. {@link GroupCoordinator} hands
 * these calls here. Thread-safe.
 */
final class GroupAdministration {

	private static final Logger logger = LoggerFactory.getLogger(GroupAdministration.class);

	private final Groups groups;

	private final CommittedOffsets committed;

	private final GroupMeters meters;

	private final OffsetStore store;

	private final TopicService topics;

	private final FetchService fetch;

	private final Time time;

	GroupAdministration(Groups groups, CommittedOffsets committed, GroupMeters meters, OffsetStore store,
			TopicService topics, FetchService fetch, Time time) {
		this.groups = groups;
		this.committed = committed;
		this.meters = meters;
		this.store = store;
		this.topics = topics;
		this.fetch = fetch;
		this.time = time;
	}

	/** Every group that has members or committed offsets, by id. */
	List<GroupSummary> list() {
		if (this.groups.shared()) {
			return listShared();
		}
		Map<String, ConsumerGroup> inMemory = this.groups.snapshot();
		Set<String> ids = new TreeSet<>(inMemory.keySet());
		ids.addAll(this.committed.groups());
		List<GroupSummary> summaries = new ArrayList<>();
		for (String groupId : ids) {
			ConsumerGroup group = inMemory.get(groupId);
			int members = (group != null) ? group.memberCount() : 0;
			if (members > 0 || this.committed.hasAny(groupId)) {
				GroupState state = (group != null && members > 0) ? group.state() : GroupState.EMPTY;
				summaries.add(new GroupSummary(groupId, state, members));
			}
		}
		return summaries;
	}

	/** Every group in the database, each loaded for its state, since other nodes change them. */
	private List<GroupSummary> listShared() {
		Set<String> ids = new TreeSet<>(this.store.groupVersions().keySet());
		ids.addAll(this.store.loadCommittedOffsets().keySet());
		List<GroupSummary> summaries = new ArrayList<>();
		for (String groupId : ids) {
			GroupSummary summary = this.groups.withGroup(groupId, false, () -> null,
					group -> new GroupSummary(groupId, group.state(), group.memberCount()));
			if (summary != null && summary.members() > 0) {
				summaries.add(summary);
			}
			else if (!this.store.committedOffsets(groupId).isEmpty()) {
				summaries.add(new GroupSummary(groupId, GroupState.EMPTY, 0));
			}
		}
		return summaries;
	}

	/**
	 * A group's state, members and, for every partition of the topics it reads or has committed offsets for, the
	 * committed offset, end offset and lag.
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_FOUND} when it has neither members nor committed offsets
	 */
	GroupDescription describe(String groupId) {
		GroupDescription members = this.groups.withGroup(groupId, false, () -> null, group -> {
			GroupMember leader = group.leader();
			return new GroupDescription(groupId, group.state(), group.generation(),
					(leader != null) ? leader.memberId() : null, (leader != null) ? leader.config().assignor() : null,
					group.membersInJoinOrder().stream().map(group::describe).toList(), List.of());
		});
		Map<TopicPartition, Long> offsets = this.store.committedOffsets(groupId);
		if ((members == null || members.members().isEmpty()) && offsets.isEmpty()) {
			throw GroupErrors.groupNotFound(groupId);
		}
		Set<String> topicNames = new TreeSet<>();
		offsets.keySet().forEach(tp -> topicNames.add(tp.topic()));
		if (members != null) {
			members.members().forEach(member -> topicNames.addAll(member.topics()));
		}
		List<GroupDescription.PartitionLag> lags = new ArrayList<>();
		for (String topicName : topicNames) {
			Topic topic = topicOrNull(topicName);
			for (int partition = 0; topic != null && partition < topic.partitions(); partition++) {
				TopicPartition tp = new TopicPartition(topicName, partition);
				PartitionState state = this.fetch.findState(tp).orElse(null);
				if (state != null) {
					Long offset = offsets.get(tp);
					long end = state.endOffset();
					lags.add(new GroupDescription.PartitionLag(topicName, partition, offset, end,
							(offset != null) ? Math.max(0, end - offset) : null));
				}
			}
		}
		if (members == null) {
			return new GroupDescription(groupId, GroupState.EMPTY, 0, null, null, List.of(), lags);
		}
		return new GroupDescription(groupId, members.state(), members.generation(), members.leader(),
				members.assignor(), members.members(), lags);
	}

	/**
	 * Sets a group's committed offsets for some or all partitions of a topic; only while the group has no member.
	 * @param partitions the partitions, or null for all of the topic's
	 * @param to {@code earliest}, {@code latest}, {@code offset:N} or {@code timestamp:T}
	 * @return the new offsets
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_EMPTY}, {@link ErrorCode#TOPIC_NOT_FOUND},
	 * {@link ErrorCode#PARTITION_NOT_FOUND}, {@link ErrorCode#OFFSET_OUT_OF_RANGE} or
	 * {@link ErrorCode#INVALID_REQUEST}
	 */
	List<PartitionOffset> resetOffsets(String groupId, String topic, List<Integer> partitions, String to) {
		GroupErrors.checkGroupId(groupId);
		ResetTarget target = ResetTarget.parse(to);
		Topic described = this.topics.topic(topic);
		List<Integer> chosen = partitions;
		if (chosen == null) {
			chosen = new ArrayList<>();
			for (int partition = 0; partition < described.partitions(); partition++) {
				chosen.add(partition);
			}
		}
		else if (chosen.isEmpty() || chosen.stream().anyMatch(Objects::isNull)
				|| new HashSet<>(chosen).size() != chosen.size()) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Field 'partitions' must list partition numbers, "
					+ "each once, or be left out to reset every partition.");
		}
		List<PartitionOffset> offsets = new ArrayList<>();
		for (int partition : new TreeSet<>(chosen)) {
			TopicPartition tp = new TopicPartition(topic, partition);
			offsets.add(PartitionOffset.of(tp, target.resolve(tp, this.fetch)));
		}
		return this.groups.withGroup(groupId, true, null, group -> {
			if (group.memberCount() > 0) {
				throw new CaudalException(ErrorCode.GROUP_NOT_EMPTY, "Group '" + groupId + "' has "
						+ group.memberCount() + " active members; offsets can be reset only while it has none.");
			}
			this.store.resetOffsets(groupId, offsets, this.time.milliseconds());
			if (this.committed.remember(groupId, offsets)) {
				this.meters.markStale();
			}
			logger.info("{} - Offsets of topic {} reset to {}: {}.", groupId, topic, to, offsets);
			return offsets;
		});
	}

	/**
	 * Deletes a group with no member: its committed offsets and what is left of its membership.
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_FOUND} or {@link ErrorCode#GROUP_NOT_EMPTY}
	 */
	void delete(String groupId) {
		Boolean deleted = this.groups.withGroup(groupId, false, () -> null, group -> {
			if (group.memberCount() > 0) {
				throw new CaudalException(ErrorCode.GROUP_NOT_EMPTY, "Group '" + groupId + "' has "
						+ group.memberCount() + " active members; only a group without members can be deleted.");
			}
			deleteStoredGroup(groupId);
			this.groups.forget(group);
			return true;
		});
		if (deleted == null) {
			deleteStoredGroup(groupId);
		}
		this.meters.markStale();
		logger.info("{} - Group deleted with its committed offsets.", groupId);
	}

	/**
	 * Drops every group's committed offsets for a deleted topic. Topic administration calls it while it deletes the
	 * topic, so a topic created again under the same name starts without them.
	 */
	void topicDeleted(String topic) {
		this.store.deleteOffsetsOfTopic(topic);
		this.committed.forgetTopic(topic);
		this.meters.markStale();
		logger.info("Topic {} was deleted; dropped every group's committed offsets for it.", topic);
	}

	/** Offsets restored for topics that no longer exist (a database edited by hand, say) go too. */
	void dropOffsetsOfDeletedTopics() {
		Set<String> existing = new HashSet<>();
		this.topics.list().forEach(topic -> existing.add(topic.name()));
		Set<String> gone = new TreeSet<>();
		this.committed.forEach((groupId, tp) -> {
			if (!existing.contains(tp.topic())) {
				gone.add(tp.topic());
			}
		});
		gone.forEach(this::topicDeleted);
	}

	private void deleteStoredGroup(String groupId) {
		if (this.store.committedOffsets(groupId).isEmpty()) {
			throw GroupErrors.groupNotFound(groupId);
		}
		this.store.deleteGroup(groupId);
		this.committed.forgetGroup(groupId);
	}

	private Topic topicOrNull(String name) {
		try {
			return this.topics.topic(name);
		}
		catch (CaudalException ex) {
			return null;
		}
	}

}
