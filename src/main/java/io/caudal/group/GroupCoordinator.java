package io.caudal.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.caudal.budget.Held;
import io.caudal.concurrent.DaemonThreads;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.OffsetStore;
import io.caudal.offset.PartitionOffset;
import io.caudal.offset.StoredGroup;
import io.caudal.time.Time;
import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.PartitionState;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side group coordinator, in the manner of Kafka's KIP-848: members join, heartbeat (by polling, by a
 * heartbeat call, or through whatever their transport does), commit and leave; the coordinator computes each
 * group's target assignment with the leader's assignor and moves partitions incrementally (see
 * {@link ConsumerGroup}). It knows nothing of HTTP or sockets: a transport passes a {@link MemberListener} to hear
 * about changes, and it reads records only through the {@link FetchService}.
 * <p>
 * Each group has its own lock ({@link Groups}); a change of membership or ownership is written to the
 * {@link OffsetStore} before the lock is let go. A commit takes no group lock for its write and relies on the
 * store's row locks instead. Polls ({@link GroupPolls}) take the lock twice and hold no thread while they wait. A
 * single named thread sweeps every {@value #SWEEP_INTERVAL_MS} ms: it ends expired sessions, picks up partitions
 * added to subscribed topics, and refreshes the meters.
 * <p>
 * Thread-safe.
 */
public class GroupCoordinator implements AutoCloseable {

	/** How often sessions, partition counts and meters are looked at. */
	static final long SWEEP_INTERVAL_MS = 250;

	/** Where groups are shared, every how many sweeps each group is looked at, news or not (every 5 s). */
	static final int SHARED_FULL_SWEEP_EVERY = 20;

	private static final Logger logger = LoggerFactory.getLogger(GroupCoordinator.class);

	private final TopicService topics;

	private final FetchService fetch;

	private final OffsetStore store;

	private final Time time;

	private final CommittedOffsets committed = new CommittedOffsets();

	private final GroupMeters meters;

	private final Groups groups;

	private final GroupPolls polls;

	private final GroupAdministration administration;

	private ScheduledExecutorService sweeper;

	/**
	 * @param executor answers long polls once they wake
	 * @param shared whether other nodes share the groups through the same database (then the database is the only
	 * memory of a group; see {@link Groups})
	 */
	public GroupCoordinator(TopicService topics, FetchService fetch, OffsetStore store, Time time, Executor executor,
			MeterRegistry meters, boolean shared) {
		this.topics = topics;
		this.fetch = fetch;
		this.store = store;
		this.time = time;
		this.meters = new GroupMeters(this.committed, fetch, meters);
		this.groups = new Groups(store, topics, this.committed, this.meters, time, shared);
		this.polls = new GroupPolls(this.groups, fetch, this.committed, time, executor);
		this.administration = new GroupAdministration(this.groups, this.committed, this.meters, store, topics, fetch,
				time);
	}

	/**
	 * Loads committed offsets and memberships from the database, without starting the sweep. Shared groups stay in
	 * the database, where every action loads them.
	 */
	public void restore() {
		this.committed.load(this.store.loadCommittedOffsets());
		if (!this.groups.shared()) {
			for (StoredGroup stored : this.store.loadGroups()) {
				this.groups.restore(stored);
			}
		}
		this.administration.dropOffsetsOfDeletedTopics();
		logger.info("Restored {} consumer groups.", this.groups.snapshot().size());
	}

	/** Restores the database state and starts the sweep. */
	public void start() {
		restore();
		this.sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-group-sweep"));
		this.sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		if (this.sweeper != null) {
			this.sweeper.shutdownNow();
		}
	}

	/**
	 * Adds a member. With an {@code instanceId} still held by a present member, the new member takes that member's
	 * place and partitions without a rebalance.
	 * @param owner the principal joining it, kept with the member in the database, or null (security off)
	 * @return its id, the generation, the leader, and the partitions it may read at once
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for a bad group id,
	 * {@link ErrorCode#TOPIC_NOT_FOUND} for an unknown topic
	 */
	public MemberAssignment join(String groupId, MemberConfig config, Transport transport, String owner,
			MemberListener listener) {
		GroupErrors.checkGroupId(groupId);
		config.topics().forEach(this.topics::topic);
		return this.groups.withGroup(groupId, true, null, group -> {
			GroupMember member = new GroupMember(UUID.randomUUID().toString(), config, transport, owner,
					new MemberPresence(listener));
			group.touch(member, this.time.nanoseconds(), 0);
			GroupMember previous = (config.instanceId() != null) ? group.memberWithInstanceId(config.instanceId())
					: null;
			if (previous != null) {
				group.replace(previous, member);
				logger.info("{} - Member {} rejoined as {} with instance id {}; it keeps its partitions.", groupId,
						previous.memberId(), member.memberId(), config.instanceId());
			}
			else {
				group.add(member);
				logger.info("{} - Member {} joined over {} for topics {}.", groupId, member.memberId(),
						transport.wireName(), config.topics());
			}
			this.groups.settle(group);
			return group.answer(member, this.time.nanoseconds());
		});
	}

	/**
	 * Who joined a member and the topics it reads, as it joined.
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public MemberSubscription subscription(String groupId, String memberId) {
		return this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId), group -> {
			GroupMember member = GroupErrors.member(group, memberId);
			return new MemberSubscription(member.owner(), member.config().topics());
		});
	}

	/**
	 * How many members a principal joined over a transport, in every group and through every node sharing the
	 * database.
	 */
	public int membersJoinedBy(String owner, Transport transport) {
		return this.store.countMembers(owner, transport.wireName());
	}

	/**
	 * Keeps a member's session alive, lets go of the partitions it was told to give up by {@code seenGeneration}
	 * or earlier, and tells it its assignment (announcing new revocations).
	 * @param seenGeneration the latest generation the member saw, or null: then nothing is released
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public MemberAssignment heartbeat(String groupId, String memberId, Integer seenGeneration) {
		return this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId), group -> {
			GroupMember member = GroupErrors.member(group, memberId);
			group.touch(member, this.time.nanoseconds(), 0);
			group.releaseSeen(member, seenGeneration);
			this.groups.settle(group);
			return group.answer(member, this.time.nanoseconds());
		});
	}

	/**
	 * A heartbeat that also delivers records from the member's readable partitions, from its positions on, and
	 * advances them. Waits up to {@code waitMs} for a first record unless the answer has news (another generation,
	 * other partitions, a revocation); any append to one of its partitions or any change for the member ends the
	 * wait. Takes the group's lock twice.
	 * @param maxRecords at least 1, lowered to the server's cap
	 * @param maxBytes at least 1, lowered to the server's cap; one record may exceed it
	 * @param waitMs 0 or more, lowered to the server's cap
	 * @param seenGeneration the latest generation the member saw, or null; see {@link #heartbeat}
	 * @return completes with the answer, whose records hold memory of the answer budget until released once written,
	 * or exceptionally with a {@link CaudalException}
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}; {@link ErrorCode#RESOURCE_LIMIT} when the answer
	 * budget stays full; {@link ErrorCode#NO_COMMITTED_OFFSET} or
	 * {@link ErrorCode#OFFSET_OUT_OF_RANGE} for a partition without a usable offset when the member's autoOffsetReset
	 * is none
	 */
	public CompletableFuture<Held<Polled>> poll(String groupId, String memberId, int maxRecords, int maxBytes,
			long waitMs, Integer seenGeneration) {
		return this.polls.poll(groupId, memberId, maxRecords, maxBytes, waitMs, seenGeneration);
	}

	/**
	 * The first round of a poll, for transports that read and deliver themselves (a socket): heartbeats and plans
	 * what to read; releases nothing. Read the plan with {@link #read}, then {@link #deliver}.
	 * @param waitMs how long the caller may wait before its next call, added to the member's session
	 * @param wakeup runs at the member's next news (quickly, without blocking), or null
	 * @throws CaudalException as {@link #poll}
	 */
	public PollPlan plan(String groupId, String memberId, long waitMs, Runnable wakeup) {
		return this.polls.plan(groupId, memberId, waitMs, wakeup, null);
	}

	/**
	 * Reads what a plan names, in order, within the limits (lowered to the server's caps), without a lock.
	 * @throws CaudalException {@link ErrorCode#STORAGE_ERROR}
	 */
	public List<PartitionRecords> read(PollPlan plan, int maxRecords, int maxBytes) {
		return this.polls.read(plan, maxRecords, maxBytes);
	}

	/**
	 * The second round of a poll: hands over the records the caller sends, those of partitions the member still
	 * reads from the positions planned, and moves its positions past them.
	 * @param allOrNothing whether to hand over nothing unless every delivery is accepted (for a caller that already
	 * wrote them into one frame)
	 * @param wakeup the one given to {@link #plan}, forgotten now, or null
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public Delivered deliver(String groupId, String memberId, List<Delivery> deliveries, boolean allOrNothing,
			Runnable wakeup) {
		return this.polls.deliver(groupId, memberId, deliveries, allOrNothing, wakeup);
	}

	/**
	 * Commits offsets for a member: the given ones, or with {@code offsets} null the positions delivered to it in the
	 * partitions it owns (revoking ones included). Each partition's ownership is checked in the transaction that
	 * writes it; nothing is written unless all pass. Afterwards the member lets go of the partitions it was told to
	 * give up by {@code generation} or earlier, and of those it committed up to everything delivered from them.
	 * @param offsets explicit offsets, each within its partition's {@code [startOffset, endOffset]}, at most one per
	 * partition; they do not move the member's positions
	 * @param generation the generation the member believes current, or null
	 * @return the offsets committed, in topic then partition order
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}, {@link ErrorCode#FENCED_MEMBER},
	 * {@link ErrorCode#OFFSET_OUT_OF_RANGE}, {@link ErrorCode#TOPIC_NOT_FOUND}, {@link ErrorCode#PARTITION_NOT_FOUND}
	 * or {@link ErrorCode#INVALID_REQUEST}
	 */
	public List<PartitionOffset> commit(String groupId, String memberId, List<PartitionOffset> offsets,
			Integer generation) {
		if (offsets != null) {
			checkExplicitOffsets(offsets);
		}
		GroupMember committer = this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId),
				group -> {
					GroupMember member = GroupErrors.member(group, memberId);
					group.touch(member, this.time.nanoseconds(), 0);
					return member;
				});
		List<PartitionOffset> sorted;
		synchronized (committer.commitLock()) {
			List<PartitionOffset> toCommit = (offsets != null) ? offsets : delivered(groupId, committer);
			sorted = new ArrayList<>(toCommit);
			sorted.sort(Comparator.comparing(PartitionOffset::topicPartition, PartitionAssignor.ORDER));
			this.store.commit(groupId, memberId, generation, sorted, this.time.milliseconds());
			if (this.committed.remember(groupId, sorted)) {
				this.meters.markStale();
			}
		}
		this.groups.withGroup(groupId, false, () -> null, group -> {
			GroupMember member = group.member(memberId);
			if (member != null) {
				group.releaseSeen(member, generation);
				group.releaseCommitted(member, sorted);
				this.groups.settle(group);
			}
			return null;
		});
		return sorted;
	}

	/**
	 * Lets go of some of the partitions a member was told to give up, so their new owners get them at once: for a
	 * transport that knows its client has nothing left in flight for them (a socket that committed what it wrote).
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public void release(String groupId, String memberId, Collection<TopicPartition> partitions) {
		this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId), group -> {
			GroupMember member = GroupErrors.member(group, memberId);
			group.touch(member, this.time.nanoseconds(), 0);
			group.release(member, Set.copyOf(partitions));
			this.groups.settle(group);
			return null;
		});
	}

	/**
	 * Removes a member; its partitions go to the others.
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public void leave(String groupId, String memberId) {
		this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId), group -> {
			GroupErrors.member(group, memberId);
			group.remove(memberId);
			logger.info("{} - Member {} left.", groupId, memberId);
			this.groups.settle(group);
			return null;
		});
	}

	/** Every group that has members or committed offsets, by id. */
	public List<GroupSummary> list() {
		return this.administration.list();
	}

	/**
	 * A group's state, members and, for every partition of the topics it reads or has committed offsets for, the
	 * committed offset, end offset and lag.
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_FOUND} when it has neither members nor committed offsets
	 */
	public GroupDescription describe(String groupId) {
		return this.administration.describe(groupId);
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
	public List<PartitionOffset> resetOffsets(String groupId, String topic, List<Integer> partitions, String to) {
		return this.administration.resetOffsets(groupId, topic, partitions, to);
	}

	/**
	 * Deletes a group with no member: its committed offsets and what is left of its membership.
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_FOUND} or {@link ErrorCode#GROUP_NOT_EMPTY}
	 */
	public void delete(String groupId) {
		this.administration.delete(groupId);
	}

	/**
	 * Drops every group's committed offsets for a deleted topic. Topic administration calls it while it deletes the
	 * topic, so a topic created again under the same name starts without them.
	 */
	public void topicDeleted(String topic) {
		this.administration.topicDeleted(topic);
	}

	/**
	 * One round of housekeeping: ends expired sessions, follows partition counts of subscribed topics, refreshes the
	 * meters. Never throws.
	 */
	void sweep() {
		if (this.groups.shared()) {
			try {
				this.groups.sweepShared(SHARED_FULL_SWEEP_EVERY);
			}
			catch (RuntimeException ex) {
				logger.error("Could not look for shared groups to check; trying again shortly.", ex);
			}
		}
		else {
			sweepInMemory();
		}
		try {
			this.meters.refresh(this.groups.snapshot());
		}
		catch (RuntimeException ex) {
			logger.error("Could not refresh the group meters; trying again shortly.", ex);
		}
	}

	private void sweepInMemory() {
		for (String groupId : this.groups.snapshot().keySet()) {
			try {
				this.groups.withGroup(groupId, false, () -> null, group -> {
					this.groups.settle(group);
					return null;
				});
			}
			catch (RuntimeException ex) {
				logger.error("{} - Could not check the group's sessions and partitions; trying again shortly.",
						groupId, ex);
			}
		}
	}

	/** How many times a group's lock was taken so far; 0 for a group not in memory. */
	long lockRounds(String groupId) {
		return this.groups.lockRounds(groupId);
	}

	/** The positions delivered to a member in the partitions it owns, revoking ones included. */
	private List<PartitionOffset> delivered(String groupId, GroupMember member) {
		return this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, member.memberId()), group -> {
			GroupMember current = GroupErrors.member(group, member.memberId());
			List<PartitionOffset> delivered = new ArrayList<>();
			current.positions(group.owned(current))
				.forEach((tp, offset) -> delivered.add(PartitionOffset.of(tp, offset)));
			return delivered;
		});
	}

	private void checkExplicitOffsets(List<PartitionOffset> offsets) {
		Set<TopicPartition> seen = new HashSet<>();
		for (PartitionOffset offset : offsets) {
			if (!seen.add(offset.topicPartition())) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST,
						"Partition " + offset.topicPartition() + " appears more than once in the commit.");
			}
			PartitionState state = this.fetch.state(offset.topicPartition());
			if (offset.offset() < state.startOffset() || offset.offset() > state.endOffset()) {
				throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
						"Offset " + offset.offset() + " is outside partition " + offset.topicPartition()
								+ ", which holds [" + state.startOffset() + ", " + state.endOffset()
								+ "]; nothing was committed.",
						Map.of("startOffset", state.startOffset(), "endOffset", state.endOffset()));
			}
		}
	}

}
