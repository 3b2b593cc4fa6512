package io.caudal.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.caudal.offset.GroupChanges;
import io.caudal.offset.PartitionOffset;
import io.caudal.offset.StoredGroup;
import io.caudal.offset.StoredMember;
import io.caudal.offset.StoredPartition;
import io.caudal.topic.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer group in memory: its members, its target assignment (which member each partition
 * should go to), the current owner of each partition, its generation and its {@link GroupState}.
 *
 * <p>
 * Ownership moves incrementally. A partition is given to its target member only while nobody
 * owns it. A member owning a partition its target no longer includes is told so in its next
 * answer ({@link #answer}: the partition is then <em>revoking</em>, by that answer's generation)
 * and lets go of it only once it provably heard ({@link #releaseSeen}, {@link #releaseCommitted}),
 * when it leaves, or when its rebalance timeout passes ({@link #releaseOverdue}); only then is the
 * partition free. So a partition never has two owners, and no member waits for a group-wide round.
 *
 * <p>
 * Every change is remembered until {@link #drainChanges} hands it to the database and
 * {@link #drainNotifications} to the members concerned. Not thread-safe: callers hold
 * {@link #lock}. The member count and the state may be read without it.
 */
final class ConsumerGroup {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerGroup.class);

	private final ReentrantLock lock = new ReentrantLock();

	/** How many times the lock was taken: a poll's cost in rounds, watched by the tests. */
	private volatile long lockRounds;

	private final String groupId;

	/**
	 * Whether the database is the group's only memory (groups shared by several nodes): then session deadlines and
	 * positions are written with every change, not only membership and ownership.
	 */
	private final boolean shared;

	private volatile GroupState state = GroupState.EMPTY;

	private int generation;

	private final Map<String, GroupMember> members = new HashMap<>();

	private volatile int memberCount;

	/** How many members subscribe to each topic, kept as members come and go so no call walks them all. */
	private final Map<String, Integer> subscriptions = new TreeMap<>();

	/** The earliest-joined member, kept as members come and go. */
	private GroupMember leader;

	/** No session ends before this, in nanoseconds; a lower bound of every member's deadline. */
	private long nextExpiryNanos = Long.MAX_VALUE;

	/** Whether the state was never worked out for what the group holds now (a group just restored). */
	private boolean stateUnknown = true;

	private long nextJoinOrder;

	private Map<TopicPartition, String> target = new HashMap<>();

	private final PartitionOwners owners = new PartitionOwners();

	private Map<String, Integer> partitionCounts = Map.of();

	private boolean targetStale;

	private boolean removed;

	private boolean dirty;

	private final Set<String> savedMembers = new HashSet<>();

	private final Set<String> deletedMembers = new HashSet<>();

	private final Set<TopicPartition> touchedPartitions = new HashSet<>();

	private final Set<GroupMember> toNotify = new LinkedHashSet<>();

	private final List<GroupMember> toTellRemoved = new ArrayList<>();

	/** A new group of a single node, not yet in the database. */
	ConsumerGroup(String groupId) {
		this(groupId, false);
	}

	private ConsumerGroup(String groupId, boolean shared) {
		this.groupId = groupId;
		this.shared = shared;
		this.dirty = true;
	}

	/**
	 * A group as the database holds it. Its members are in again with no listener; those whose
	 * transport does not survive a restart are then removed, as if they had left.
	 */
	static ConsumerGroup restored(StoredGroup stored, long nowNanos) {
		ConsumerGroup group = fromStored(stored, null, nowNanos, id -> new MemberPresence(MemberListener.NONE));
		for (GroupMember member : List.copyOf(group.members.values())) {
			if (member.transport() != Transport.HTTP) {
				group.remove(member.memberId());
			}
		}
		return group;
	}

	/**
	 * A group shared by several nodes as the database holds it, for one action under the lock on its row: deadlines
	 * and positions as stored, every member kept whatever its transport (its node keeps it alive).
	 * @param clock now, on this node's clock and the database's
	 * @param presences what this node knows of each member, by member id (a new presence for a member never seen)
	 */
	static ConsumerGroup loaded(StoredGroup stored, GroupClock clock, Function<String, MemberPresence> presences) {
		return fromStored(stored, clock, clock.localNanos(), presences);
	}

	/**
	 * @param clock for a shared group, to place stored deadlines on this node's clock; null for a single node's
	 * group, whose members get a fresh session and revocations a whole rebalance timeout from now
	 */
	private static ConsumerGroup fromStored(StoredGroup stored, GroupClock clock, long nowNanos,
			Function<String, MemberPresence> presences) {
		ConsumerGroup group = new ConsumerGroup(stored.groupId(), clock != null);
		group.dirty = false;
		group.generation = stored.generation();
		for (StoredMember storedMember : stored.members()) {
			GroupMember member = GroupMember.restored(storedMember, presences.apply(storedMember.memberId()), clock);
			if (clock == null || storedMember.sessionDeadlineMs() == null) {
				group.touch(member, nowNanos, 0);
			}
			else {
				group.earlierExpiry(member.deadlineNanos());
			}
			group.members.put(member.memberId(), member);
			group.subscribe(member.config().topics(), 1);
			group.nextJoinOrder = Math.max(group.nextJoinOrder, member.joinOrder() + 1);
		}
		group.leader = group.earliestJoined();
		for (StoredPartition partition : stored.partitions()) {
			TopicPartition tp = partition.topicPartition();
			if (partition.targetMemberId() != null) {
				group.target.put(tp, partition.targetMemberId());
			}
			GroupMember owner = (partition.ownerMemberId() != null) ? group.members.get(partition.ownerMemberId())
					: null;
			if (owner == null) {
				group.touchedPartitions.add(tp);
				continue;
			}
			long releaseDeadline = (clock != null && partition.releaseDeadlineMs() != null)
					? clock.toNanos(partition.releaseDeadlineMs()) : owner.releaseDeadline(nowNanos);
			group.owners.restore(tp, owner.memberId(), partition.revokedGeneration(), releaseDeadline);
			if (partition.position() != null) {
				owner.position(tp, partition.position());
			}
		}
		group.targetStale = true;
		group.memberCount = group.members.size();
		return group;
	}

	void lock() {
		this.lock.lock();
		this.lockRounds++;
	}

	void unlock() {
		this.lock.unlock();
	}

	String groupId() {
		return this.groupId;
	}

	long lockRounds() {
		return this.lockRounds;
	}

	GroupState state() {
		return this.state;
	}

	int generation() {
		return this.generation;
	}

	int memberCount() {
		return this.memberCount;
	}

	boolean removed() {
		return this.removed;
	}

	/** Marks the group gone: a caller that looked it up before must look again. */
	void markRemoved() {
		this.removed = true;
	}

	GroupMember member(String memberId) {
		return this.members.get(memberId);
	}

	List<GroupMember> membersInJoinOrder() {
		List<GroupMember> ordered = new ArrayList<>(this.members.values());
		ordered.sort(Comparator.comparingLong(GroupMember::joinOrder));
		return ordered;
	}

	GroupMember memberWithInstanceId(String instanceId) {
		return this.members.values()
			.stream()
			.filter(member -> instanceId.equals(member.config().instanceId()))
			.findFirst()
			.orElse(null);
	}

	/** The earliest-joined member still present, or null. */
	GroupMember leader() {
		return this.leader;
	}

	/** The topics some member reads, sorted. */
	Set<String> subscribedTopics() {
		return this.subscriptions.keySet();
	}

	/**
	 * Starts a new session period for a member (see {@link GroupMember#touch}). Every touch goes through here, so
	 * that the group knows when its next session may end without looking at every member.
	 */
	void touch(GroupMember member, long nowNanos, long extraMs) {
		earlierExpiry(member.touch(nowNanos, extraMs));
		if (this.shared) {
			this.savedMembers.add(member.memberId());
		}
	}

	private void earlierExpiry(long deadline) {
		if (this.nextExpiryNanos == Long.MAX_VALUE || deadline - this.nextExpiryNanos < 0) {
			this.nextExpiryNanos = deadline;
		}
	}

	/** Moves the member's position in a partition: the next offset it is delivered. */
	void moveTo(GroupMember member, TopicPartition tp, long offset) {
		Long before = member.position(tp);
		member.position(tp, offset);
		if (this.shared && (before == null || before != offset)) {
			this.touchedPartitions.add(tp);
		}
	}

	/** Tells the member at the end of this action if its next answer would hold news (another node made them). */
	void notifyIfNews(GroupMember member) {
		if (hasNews(member)) {
			this.toNotify.add(member);
		}
	}

	void add(GroupMember member) {
		member.joinOrder(this.nextJoinOrder++);
		this.members.put(member.memberId(), member);
		this.memberCount = this.members.size();
		subscribe(member.config().topics(), 1);
		if (this.leader == null) {
			this.leader = member;
		}
		this.savedMembers.add(member.memberId());
		this.targetStale = true;
	}

	/**
	 * Static membership: a member rejoining with its instance id takes the place of its previous
	 * incarnation: same rank, same target and owned partitions, no new target unless it now asks
	 * for other topics or another assignor. Partitions the old incarnation was giving up are let
	 * go at once, since the new one was never told about them.
	 */
	void replace(GroupMember previous, GroupMember member) {
		member.joinOrder(previous.joinOrder());
		this.members.remove(previous.memberId());
		this.members.put(member.memberId(), member);
		subscribe(previous.config().topics(), -1);
		subscribe(member.config().topics(), 1);
		if (this.leader == previous) {
			this.leader = member;
		}
		this.deletedMembers.add(previous.memberId());
		this.savedMembers.add(member.memberId());
		this.toTellRemoved.add(previous);
		this.target.replaceAll((tp, memberId) -> memberId.equals(previous.memberId()) ? member.memberId() : memberId);
		this.touchedPartitions.addAll(this.owners.transfer(previous.memberId(), member.memberId()));
		this.touchedPartitions.addAll(partitionsTargetedTo(member.memberId()));
		MemberConfig before = previous.config();
		MemberConfig after = member.config();
		if (!new HashSet<>(before.topics()).equals(new HashSet<>(after.topics()))
				|| !before.assignor().equals(after.assignor())) {
			this.targetStale = true;
		}
	}

	/** Removes a member; every partition it owned is free at once. */
	void remove(String memberId) {
		GroupMember member = this.members.remove(memberId);
		if (member == null) {
			return;
		}
		this.memberCount = this.members.size();
		subscribe(member.config().topics(), -1);
		if (this.leader == member) {
			this.leader = earliestJoined();
		}
		this.savedMembers.remove(memberId);
		this.deletedMembers.add(memberId);
		this.toTellRemoved.add(member);
		this.touchedPartitions.addAll(this.owners.removeMember(memberId));
		this.targetStale = true;
	}

	/**
	 * Removes every member whose session has ended, and returns them. Looks at the members only once the earliest
	 * deadline may have passed.
	 */
	List<GroupMember> expire(long nowNanos) {
		if (nowNanos - this.nextExpiryNanos < 0) {
			return List.of();
		}
		List<GroupMember> expired = new ArrayList<>();
		long next = Long.MAX_VALUE;
		for (GroupMember member : this.members.values()) {
			if (member.expired(nowNanos)) {
				expired.add(member);
			}
			else if (next == Long.MAX_VALUE || member.deadlineNanos() - next < 0) {
				next = member.deadlineNanos();
			}
		}
		this.nextExpiryNanos = next;
		expired.forEach(member -> remove(member.memberId()));
		return expired;
	}

	/**
	 * Recomputes the target when the members, the leader's assignor or the partition counts of
	 * the subscribed topics changed. A new target means a new generation, and every member is
	 * told. Partitions that no longer exist (their topic was deleted) are dropped from owners at
	 * once: there is nothing left to read or hand over.
	 * @param counts the current partition count of each subscribed topic that exists
	 */
	void updateTarget(Map<String, Integer> counts) {
		if (!this.targetStale && counts.equals(this.partitionCounts)) {
			return;
		}
		this.targetStale = false;
		this.partitionCounts = Map.copyOf(counts);
		this.touchedPartitions.addAll(this.owners.removePartitions(tp -> {
			Integer partitions = counts.get(tp.topic());
			return partitions == null || tp.partition() >= partitions;
		}));
		Map<TopicPartition, String> next = computeTarget();
		if (next.equals(this.target)) {
			return;
		}
		Set<TopicPartition> changed = new HashSet<>(this.target.keySet());
		changed.addAll(next.keySet());
		changed.removeIf(tp -> Objects.equals(this.target.get(tp), next.get(tp)));
		this.touchedPartitions.addAll(changed);
		this.target = next;
		this.generation++;
		this.dirty = true;
		this.toNotify.addAll(this.members.values());
		GroupMember leader = leader();
		logger.info("{} - Generation {}: {} members, leader {}, assignor {}, {} partitions moved in the target.",
				this.groupId, this.generation, this.members.size(), (leader != null) ? leader.memberId() : "none",
				(leader != null) ? leader.config().assignor() : "none", changed.size());
	}

	private Map<TopicPartition, String> computeTarget() {
		GroupMember leader = leader();
		if (leader == null) {
			return new HashMap<>();
		}
		List<PartitionAssignor.Subscription> subscriptions = membersInJoinOrder().stream()
			.map(member -> new PartitionAssignor.Subscription(member.memberId(), Set.copyOf(member.config().topics())))
			.toList();
		Map<String, Set<TopicPartition>> previous = new HashMap<>();
		this.target.forEach((tp, memberId) -> previous.computeIfAbsent(memberId, id -> new HashSet<>()).add(tp));
		Map<String, List<TopicPartition>> assignment = PartitionAssignor.named(leader.config().assignor())
			.assign(subscriptions, this.partitionCounts, previous);
		Map<TopicPartition, String> next = new HashMap<>();
		assignment.forEach((memberId, partitions) -> partitions.forEach(tp -> next.put(tp, memberId)));
		return next;
	}

	/** Gives every free partition to its target member, who is told. */
	void assignFree() {
		this.target.forEach((tp, memberId) -> {
			GroupMember member = this.members.get(memberId);
			if (member != null && !this.owners.isOwned(tp)) {
				this.owners.give(tp, memberId);
				this.touchedPartitions.add(tp);
				this.toNotify.add(member);
			}
		});
	}

	/**
	 * Lets go of the partitions the member was told to give up in answers of {@code seenGeneration} or earlier: a
	 * call carrying that generation proves it heard.
	 * @param seenGeneration the latest generation the member says it saw, or null when it said nothing
	 */
	void releaseSeen(GroupMember member, Integer seenGeneration) {
		if (seenGeneration != null) {
			this.touchedPartitions.addAll(this.owners.releaseSeen(member.memberId(), seenGeneration));
		}
	}

	/**
	 * Lets go of the partitions the member was told to give up and has just committed up to everything delivered
	 * from them: nothing of them is left in flight.
	 */
	void releaseCommitted(GroupMember member, List<PartitionOffset> committed) {
		Map<TopicPartition, Long> offsets = new HashMap<>();
		committed.forEach(offset -> offsets.put(offset.topicPartition(), offset.offset()));
		this.touchedPartitions.addAll(this.owners.releaseRevoked(member.memberId(), tp -> {
			Long offset = offsets.get(tp);
			Long position = member.position(tp);
			return offset != null && (position == null || offset >= position);
		}));
	}

	/** Lets go of some of the partitions the member was told to give up, on its transport's word. */
	void release(GroupMember member, Set<TopicPartition> partitions) {
		this.touchedPartitions.addAll(this.owners.releaseRevoked(member.memberId(), partitions::contains));
	}

	/** Lets go of the partitions kept past their owner's rebalance timeout. @return them */
	List<TopicPartition> releaseOverdue(long nowNanos) {
		List<TopicPartition> released = this.owners.releaseOverdue(nowNanos);
		if (!released.isEmpty()) {
			this.touchedPartitions.addAll(released);
			// Rare, and the old owners are not calling: telling every member is simpler than finding them.
			this.toNotify.addAll(this.members.values());
		}
		return released;
	}

	/** The partitions the member owns and reads (not revoking), in topic then partition order. */
	List<TopicPartition> readable(GroupMember member) {
		return this.owners.ownedBy(member.memberId(), false);
	}

	/** Every partition the member owns, revoking or not. */
	Set<TopicPartition> owned(GroupMember member) {
		return this.owners.owned(member.memberId());
	}

	private List<TopicPartition> partitionsTargetedTo(String memberId) {
		List<TopicPartition> partitions = new ArrayList<>();
		this.target.forEach((tp, targetMember) -> {
			if (targetMember.equals(memberId)) {
				partitions.add(tp);
			}
		});
		return partitions;
	}

	/**
	 * Whether the member's next answer would tell it something new: another generation, other
	 * partitions, or a partition to give up. A member never answered through this node (it came from
	 * another) is taken to know the partitions it owns: its next answer tells it anyway.
	 */
	boolean hasNews(GroupMember member) {
		List<TopicPartition> told = member.lastAssignment();
		return member.generation() != this.generation || (told != null && !readable(member).equals(told))
				|| this.owners.hasUntargeted(member.memberId(), this.target);
	}

	/**
	 * Builds the member's answer. Partitions it owns but its target no longer includes become
	 * revoking now, by this generation, since this answer is what tells it; it learns the current generation.
	 */
	MemberAssignment answer(GroupMember member, long nowNanos) {
		this.touchedPartitions.addAll(this.owners.revokeUntargeted(member.memberId(), this.target, this.generation,
				member.releaseDeadline(nowNanos)));
		if (member.generation() != this.generation) {
			member.generation(this.generation);
			this.savedMembers.add(member.memberId());
		}
		List<TopicPartition> assignment = readable(member);
		member.lastAssignment(assignment);
		member.forgetPositionsExcept(owned(member));
		GroupMember leader = leader();
		return new MemberAssignment(member.memberId(), this.generation, (leader != null) ? leader.memberId() : null,
				assignment, this.owners.ownedBy(member.memberId(), true));
	}

	/** The member's current view without announcing anything, for describing the group. */
	GroupDescription.Member describe(GroupMember member) {
		return new GroupDescription.Member(member.memberId(), member.config().instanceId(), member.transport(),
				member.config().topics(), readable(member), this.owners.ownedBy(member.memberId(), true));
	}

	/**
	 * Moves the state machine to match the group: {@code EMPTY} without members, else
	 * {@code STABLE} once every member owns exactly its target and knows the generation,
	 * {@code RECONCILING} until then.
	 */
	void updateState() {
		if (!this.stateUnknown && !hasChanges()) {
			// Nothing that the state depends on moved since the last look.
			return;
		}
		this.stateUnknown = false;
		if (this.members.isEmpty()) {
			if (this.state != GroupState.EMPTY) {
				transitionTo(GroupState.EMPTY);
			}
			return;
		}
		if (this.state == GroupState.EMPTY) {
			transitionTo(GroupState.RECONCILING);
		}
		boolean converged = converged();
		if (converged && this.state == GroupState.RECONCILING) {
			transitionTo(GroupState.STABLE);
		}
		else if (!converged && this.state == GroupState.STABLE) {
			transitionTo(GroupState.RECONCILING);
		}
	}

	/**
	 * @throws IllegalStateException when {@code next} may not follow the current state
	 */
	void transitionTo(GroupState next) {
		if (!next.canFollow(this.state)) {
			throw new IllegalStateException("Group '" + this.groupId + "' cannot go from " + this.state + " to " + next
					+ "; " + next + " may only follow " + next.validPreviousStates() + ".");
		}
		this.state = next;
	}

	private boolean converged() {
		for (GroupMember member : this.members.values()) {
			if (member.generation() != this.generation) {
				return false;
			}
		}
		return this.owners.matches(this.target);
	}

	/** Whether anything was changed since the last {@link #drainChanges}: members, generations, ownership. */
	private boolean hasChanges() {
		return this.dirty || !this.savedMembers.isEmpty() || !this.deletedMembers.isEmpty()
				|| !this.touchedPartitions.isEmpty();
	}

	private GroupMember earliestJoined() {
		return this.members.values().stream().min(Comparator.comparingLong(GroupMember::joinOrder)).orElse(null);
	}

	private void subscribe(List<String> topics, int change) {
		for (String topic : topics) {
			this.subscriptions.merge(topic, change, (count, delta) -> (count + delta == 0) ? null : count + delta);
		}
	}

	/**
	 * What changed since the last call, as rows to write; null when nothing did.
	 * @param forget whether the group's membership rows go altogether
	 */
	GroupChanges drainChanges(boolean forget, GroupClock clock) {
		if (!forget && !hasChanges()) {
			return null;
		}
		GroupClock sharedClock = this.shared ? clock : null;
		List<StoredMember> saved = this.savedMembers.stream()
			.map(this.members::get)
			.filter(Objects::nonNull)
			.map(member -> member.stored(sharedClock))
			.toList();
		List<StoredPartition> savedPartitions = new ArrayList<>();
		List<TopicPartition> deletedPartitions = new ArrayList<>();
		for (TopicPartition tp : this.touchedPartitions) {
			PartitionOwners.Ownership ownership = this.owners.get(tp);
			String targetMember = this.target.get(tp);
			if (ownership == null && targetMember == null) {
				deletedPartitions.add(tp);
			}
			else {
				savedPartitions.add(storedPartition(tp, targetMember, ownership, sharedClock));
			}
		}
		GroupChanges changes = new GroupChanges(this.groupId, this.generation, forget, saved,
				List.copyOf(this.deletedMembers), savedPartitions, deletedPartitions);
		this.dirty = false;
		this.savedMembers.clear();
		this.deletedMembers.clear();
		this.touchedPartitions.clear();
		return changes;
	}

	/** A partition's row; with a clock (shared groups), also its owner's position and release deadline. */
	private StoredPartition storedPartition(TopicPartition tp, String targetMember,
			PartitionOwners.Ownership ownership, GroupClock clock) {
		if (ownership == null) {
			return new StoredPartition(tp, targetMember, null, null, null, null);
		}
		Long position = null;
		Long releaseDeadlineMs = null;
		if (clock != null) {
			GroupMember owner = this.members.get(ownership.memberId());
			position = (owner != null) ? owner.position(tp) : null;
			releaseDeadlineMs = ownership.revoking() ? clock.toDatabaseMs(ownership.releaseDeadlineNanos()) : null;
		}
		return new StoredPartition(tp, targetMember, ownership.memberId(), ownership.revokedGeneration(), position,
				releaseDeadlineMs);
	}

	/** The callbacks owed to members for what changed since the last call, to run without the lock. */
	List<Runnable> drainNotifications() {
		List<Runnable> callbacks = new ArrayList<>();
		for (GroupMember member : this.toNotify) {
			if (this.members.get(member.memberId()) == member) {
				callbacks.addAll(member.notified());
				callbacks.add(member.listener()::assignmentChanged);
			}
		}
		for (GroupMember member : this.toTellRemoved) {
			callbacks.addAll(member.notified());
			callbacks.add(member.listener()::removed);
		}
		this.toNotify.clear();
		this.toTellRemoved.clear();
		return callbacks;
	}

	/** Wakes every member's waiting polls, so they look again; used when the group is dropped. */
	List<Runnable> wakeEveryone() {
		List<Runnable> callbacks = new ArrayList<>();
		this.members.values().forEach(member -> callbacks.addAll(member.notified()));
		return callbacks;
	}

}
