package io.caudal.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.AppendWaiter;
import io.caudal.log.Log;
import io.caudal.time.Time;
import io.caudal.offset.GroupChanges;
import io.caudal.offset.JdbcOffsetStore;
import io.caudal.offset.PartitionOffset;
import io.caudal.offset.StoredGroup;
import io.caudal.topic.ConsumedRecord;
import io.caudal.topic.FetchLimits;
import io.caudal.topic.FetchPosition;
import io.caudal.topic.FetchService;
import io.caudal.topic.Fetched;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side group coordinator, in the manner of Kafka's KIP-848: members join, heartbeat
 * (by polling, by a heartbeat call, or through whatever their transport does), commit and leave;
 * the coordinator computes each group's target assignment with the leader's assignor and moves
 * partitions incrementally (see {@link ConsumerGroup}). It knows nothing of HTTP or sockets: a
 * transport passes a {@link MemberListener} to hear about changes.
 *
 * <p>
 * Each group has its own lock. A change of membership or ownership is written to the database
 * before the lock is let go, so the rows that fence commits always match the state decisions are
 * taken from; a commit takes no group lock and relies on the database's row locks instead (see
 * {@link JdbcOffsetStore}). Listeners are called after the lock is released. Long polls hold no
 * thread: they wait on the partitions' append signals and the member's notifications, and are
 * answered on the fetch executor. A single named thread sweeps every
 * {@value #SWEEP_INTERVAL_MS} ms: it ends expired sessions, picks up partitions added to or
 * removed from subscribed topics, and drops committed offsets of deleted topics.
 *
 * <p>
 * Thread-safe.
 */
public class GroupCoordinator implements AutoCloseable {

	/** How often sessions, partition counts and deleted topics are checked. */
	static final long SWEEP_INTERVAL_MS = 250;

	static final int MAX_GROUP_ID_LENGTH = 255;

	private static final Logger logger = LoggerFactory.getLogger(GroupCoordinator.class);

	private final TopicRegistry topics;

	private final FetchService fetchService;

	private final JdbcOffsetStore store;

	private final Time time;

	private final Executor executor;

	private final ConcurrentMap<String, ConsumerGroup> groups = new ConcurrentHashMap<>();

	/** Every committed offset, mirrored after each write, for lag, positions and listings. */
	private final ConcurrentMap<String, ConcurrentMap<TopicPartition, Long>> committed = new ConcurrentHashMap<>();

	private final AtomicInteger waitingPolls = new AtomicInteger();

	private final AtomicBoolean metersStale = new AtomicBoolean(true);

	private final MultiGauge lagGauge;

	private final MultiGauge membersGauge;

	private ScheduledExecutorService sweeper;

	public GroupCoordinator(TopicRegistry topics, FetchService fetchService, JdbcOffsetStore store, Time time,
			Executor executor, MeterRegistry meters) {
		this.topics = topics;
		this.fetchService = fetchService;
		this.store = store;
		this.time = time;
		this.executor = executor;
		this.lagGauge = MultiGauge.builder("caudal.group.lag")
			.description("Records of a partition after the group's committed offset")
			.baseUnit("records")
			.register(meters);
		this.membersGauge = MultiGauge.builder("caudal.group.members")
			.description("Members of a consumer group")
			.register(meters);
		meters.gauge("caudal.group.polls.waiting", this.waitingPolls);
	}

	/** Loads committed offsets and memberships from the database, without starting the sweep. */
	public void restore() {
		this.store.loadCommittedOffsets()
			.forEach((groupId, offsets) -> this.committed.put(groupId, new ConcurrentHashMap<>(offsets)));
		for (StoredGroup stored : this.store.loadGroups()) {
			restore(stored);
		}
		dropOffsetsOfDeletedTopics();
		logger.info("Restored {} consumer groups.", this.groups.size());
	}

	/** Restores the database state and starts the sweep. */
	public void start() {
		restore();
		this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "caudal-group-sweep");
			thread.setDaemon(true);
			return thread;
		});
		this.sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		if (this.sweeper != null) {
			this.sweeper.shutdownNow();
		}
	}

	/**
	 * Adds a member. With an {@code instanceId} still held by a present member, the new member
	 * takes that member's place and partitions without a rebalance.
	 * @return its id, the generation, the leader, and the partitions it may read at once
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for a bad group id,
	 * {@link ErrorCode#TOPIC_NOT_FOUND} for an unknown topic
	 */
	public MemberAssignment join(String groupId, MemberConfig config, Transport transport, MemberListener listener) {
		checkGroupId(groupId);
		config.topics().forEach(this.topics::topic);
		return withGroup(groupId, true, null, group -> {
			GroupMember member = new GroupMember(UUID.randomUUID().toString(), config, transport, listener);
			member.touch(this.time.nanoseconds(), 0);
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
			settle(group);
			return group.answer(member);
		});
	}

	/**
	 * Keeps a member's session alive, lets go of the partitions it was told to give up (unless its
	 * listener {@link MemberListener#releasesExplicitly releases explicitly}), and tells it its
	 * assignment (announcing new revocations).
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public MemberAssignment heartbeat(String groupId, String memberId) {
		return withGroup(groupId, false, unknownMember(groupId, memberId), group -> {
			GroupMember member = member(group, memberId);
			member.touch(this.time.nanoseconds(), 0);
			releaseOnCall(group, member);
			settle(group);
			return group.answer(member);
		});
	}

	/**
	 * A heartbeat that also delivers records from the member's readable partitions, from its
	 * positions on, and advances them. Waits up to {@code waitMs} for a first record unless the
	 * answer has news (another generation, other partitions, a revocation); any append to one of
	 * its partitions or any change for the member ends the wait.
	 * @param maxRecords at least 1, lowered to the server's cap
	 * @param maxBytes at least 1, lowered to the server's cap; one record may exceed it
	 * @param waitMs 0 or more, lowered to the server's cap
	 * @return completes with the answer, or exceptionally with a {@link CaudalException}
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}; {@link ErrorCode#NO_COMMITTED_OFFSET}
	 * or {@link ErrorCode#OFFSET_OUT_OF_RANGE} for a partition without a usable offset when the
	 * member's autoOffsetReset is none
	 */
	public CompletableFuture<Polled> poll(String groupId, String memberId, int maxRecords, int maxBytes, long waitMs) {
		FetchLimits limits = this.fetchService.limits();
		int records = Math.min(maxRecords, limits.maxRecords());
		int bytes = Math.min(maxBytes, limits.maxBytes());
		long wait = Math.min(waitMs, limits.maxWaitMs());
		PollPlan plan = preparePoll(groupId, memberId, wait, null);
		List<Read> reads = read(plan.slots(), records, bytes);
		if (!reads.isEmpty() || plan.news() || wait <= 0 || !reserveWaitingPoll(limits)) {
			return CompletableFuture.completedFuture(completePoll(groupId, memberId, reads));
		}
		CompletableFuture<Void> woken = new CompletableFuture<>();
		Runnable wake = () -> woken.complete(null);
		List<AppendWaiter> waiters = new ArrayList<>();
		for (Slot slot : plan.slots()) {
			Log log = logOrNull(slot.partition());
			if (log != null) {
				waiters.add(log.awaitRecordsAfter(slot.position(), wake));
			}
		}
		watch(groupId, memberId, plan.notifications(), wake);
		return woken.completeOnTimeout(null, wait, TimeUnit.MILLISECONDS).thenApplyAsync(ignored -> {
			waiters.forEach(AppendWaiter::cancel);
			this.waitingPolls.decrementAndGet();
			PollPlan again = preparePoll(groupId, memberId, 0, wake);
			return completePoll(groupId, memberId, read(again.slots(), records, bytes));
		}, this.executor);
	}

	/**
	 * Commits offsets for a member: the given ones, or with {@code offsets} null the positions
	 * delivered to it in the partitions it owns (revoking ones included). Each partition's
	 * ownership is checked in the transaction that writes it; nothing is written unless all pass.
	 * Afterwards the member lets go of the partitions it was told to give up.
	 * @param offsets explicit offsets, each within its partition's {@code [startOffset, endOffset]},
	 * at most one per partition; they do not move the member's positions
	 * @param generation the generation the member believes current, or null
	 * @return the offsets committed, in topic then partition order
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}, {@link ErrorCode#FENCED_MEMBER},
	 * {@link ErrorCode#OFFSET_OUT_OF_RANGE}, {@link ErrorCode#TOPIC_NOT_FOUND},
	 * {@link ErrorCode#PARTITION_NOT_FOUND} or {@link ErrorCode#INVALID_REQUEST}
	 */
	public List<PartitionOffset> commit(String groupId, String memberId, List<PartitionOffset> offsets,
			Integer generation) {
		if (offsets != null) {
			checkExplicitOffsets(offsets);
		}
		GroupMember committer = withGroup(groupId, false, unknownMember(groupId, memberId), group -> {
			GroupMember member = member(group, memberId);
			member.touch(this.time.nanoseconds(), 0);
			return member;
		});
		List<PartitionOffset> sorted;
		synchronized (committer.commitLock()) {
			List<PartitionOffset> toCommit = (offsets != null) ? offsets : delivered(groupId, committer);
			sorted = new ArrayList<>(toCommit);
			sorted.sort(Comparator.comparing(PartitionOffset::topicPartition, PartitionAssignor.ORDER));
			this.store.commit(groupId, memberId, generation, sorted, this.time.milliseconds());
			remember(groupId, sorted);
		}
		withGroup(groupId, false, () -> null, group -> {
			GroupMember member = group.member(memberId);
			if (member != null) {
				group.release(member);
				settle(group);
			}
			return null;
		});
		return sorted;
	}

	/** The positions delivered to a member in the partitions it owns, revoking ones included. */
	private List<PartitionOffset> delivered(String groupId, GroupMember member) {
		return withGroup(groupId, false, unknownMember(groupId, member.memberId()), group -> {
			List<PartitionOffset> delivered = new ArrayList<>();
			member.positions(group.owned(member))
				.forEach((tp, offset) -> delivered.add(PartitionOffset.of(tp, offset)));
			return delivered;
		});
	}

	/**
	 * Lets go of some of the partitions a member was told to give up, so their new owners get
	 * them at once; for transports that learn of the release otherwise than by a call.
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public void release(String groupId, String memberId, Collection<TopicPartition> partitions) {
		withGroup(groupId, false, unknownMember(groupId, memberId), group -> {
			GroupMember member = member(group, memberId);
			member.touch(this.time.nanoseconds(), 0);
			group.release(member, Set.copyOf(partitions));
			settle(group);
			return null;
		});
	}

	/**
	 * Removes a member; its partitions go to the others.
	 * @throws CaudalException {@link ErrorCode#UNKNOWN_MEMBER}
	 */
	public void leave(String groupId, String memberId) {
		withGroup(groupId, false, unknownMember(groupId, memberId), group -> {
			member(group, memberId);
			group.remove(memberId);
			logger.info("{} - Member {} left.", groupId, memberId);
			settle(group);
			return null;
		});
	}

	/** Every group that has members or committed offsets, by id. */
	public List<GroupSummary> list() {
		Set<String> ids = new TreeSet<>(this.groups.keySet());
		ids.addAll(this.committed.keySet());
		List<GroupSummary> summaries = new ArrayList<>();
		for (String groupId : ids) {
			ConsumerGroup group = this.groups.get(groupId);
			int members = (group != null) ? group.memberCount() : 0;
			if (members > 0 || hasCommittedOffsets(groupId)) {
				GroupState state = (group != null && members > 0) ? group.state() : GroupState.EMPTY;
				summaries.add(new GroupSummary(groupId, state, members));
			}
		}
		return summaries;
	}

	/**
	 * A group's state, members and, for every partition of the topics it reads or has committed
	 * offsets for, the committed offset, end offset and lag.
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_FOUND} when it has neither members nor
	 * committed offsets
	 */
	public GroupDescription describe(String groupId) {
		GroupDescription members = withGroup(groupId, false, () -> null, group -> {
			GroupMember leader = group.leader();
			return new GroupDescription(groupId, group.state(), group.generation(),
					(leader != null) ? leader.memberId() : null, (leader != null) ? leader.config().assignor() : null,
					group.membersInJoinOrder().stream().map(group::describe).toList(), List.of());
		});
		Map<TopicPartition, Long> offsets = this.store.committedOffsets(groupId);
		if ((members == null || members.members().isEmpty()) && offsets.isEmpty()) {
			throw groupNotFound(groupId);
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
				Log log = logOrNull(tp);
				if (log != null) {
					Long offset = offsets.get(tp);
					long end = log.logEndOffset();
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
	 * Sets a group's committed offsets for some or all partitions of a topic; only while the
	 * group has no member.
	 * @param partitions the partitions, or null for all of the topic's
	 * @param to {@code earliest}, {@code latest}, {@code offset:N} or {@code timestamp:T}
	 * @return the new offsets
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_EMPTY}, {@link ErrorCode#TOPIC_NOT_FOUND},
	 * {@link ErrorCode#PARTITION_NOT_FOUND}, {@link ErrorCode#OFFSET_OUT_OF_RANGE} or
	 * {@link ErrorCode#INVALID_REQUEST}
	 */
	public List<PartitionOffset> resetOffsets(String groupId, String topic, List<Integer> partitions, String to) {
		checkGroupId(groupId);
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
			Log log = this.topics.log(topic, partition);
			offsets.add(new PartitionOffset(topic, partition, target.resolve(topic, partition, log, this.fetchService)));
		}
		return withGroup(groupId, true, null, group -> {
			if (group.memberCount() > 0) {
				throw new CaudalException(ErrorCode.GROUP_NOT_EMPTY, "Group '" + groupId + "' has "
						+ group.memberCount() + " active members; offsets can be reset only while it has none.");
			}
			this.store.resetOffsets(groupId, offsets, this.time.milliseconds());
			remember(groupId, offsets);
			logger.info("{} - Offsets of topic {} reset to {}: {}.", groupId, topic, to, offsets);
			return offsets;
		});
	}

	/**
	 * Deletes a group with no member: its committed offsets and what is left of its membership.
	 * @throws CaudalException {@link ErrorCode#GROUP_NOT_FOUND} or {@link ErrorCode#GROUP_NOT_EMPTY}
	 */
	public void delete(String groupId) {
		Boolean deleted = withGroup(groupId, false, () -> null, group -> {
			if (group.memberCount() > 0) {
				throw new CaudalException(ErrorCode.GROUP_NOT_EMPTY, "Group '" + groupId + "' has "
						+ group.memberCount() + " active members; only a group without members can be deleted.");
			}
			if (!hasCommittedOffsets(groupId)) {
				throw groupNotFound(groupId);
			}
			this.store.deleteGroup(groupId);
			this.committed.remove(groupId);
			group.markRemoved();
			this.groups.remove(groupId, group);
			return true;
		});
		if (deleted == null) {
			if (!hasCommittedOffsets(groupId)) {
				throw groupNotFound(groupId);
			}
			this.store.deleteGroup(groupId);
			this.committed.remove(groupId);
		}
		this.metersStale.set(true);
		logger.info("{} - Group deleted with its committed offsets.", groupId);
	}

	/**
	 * One round of housekeeping: ends expired sessions, follows partition counts of subscribed
	 * topics, refreshes the meters. Never throws.
	 */
	void sweep() {
		for (String groupId : List.copyOf(this.groups.keySet())) {
			try {
				withGroup(groupId, false, () -> null, group -> {
					settle(group);
					return null;
				});
			}
			catch (RuntimeException ex) {
				logger.error("{} - Could not check the group's sessions and partitions; trying again shortly.",
						groupId, ex);
			}
		}
		try {
			refreshMeters();
		}
		catch (RuntimeException ex) {
			logger.error("Could not clean up committed offsets or refresh group meters; trying again shortly.", ex);
		}
	}

	/**
	 * Under a group's lock: ends the sessions that expired, runs an action, then moves the state
	 * machine, writes what changed, and forgets the group when it has neither members nor
	 * committed offsets; finally, without the lock, tells the members concerned.
	 * @param create whether to create the group when it does not exist
	 * @param absent what to answer when it does not exist and is not created; may throw
	 */
	private <T> T withGroup(String groupId, boolean create, Supplier<T> absent, Function<ConsumerGroup, T> action) {
		while (true) {
			ConsumerGroup group = create ? this.groups.computeIfAbsent(groupId, ConsumerGroup::new)
					: this.groups.get(groupId);
			if (group == null) {
				return absent.get();
			}
			T result;
			List<Runnable> callbacks = new ArrayList<>();
			group.lock();
			try {
				if (group.removed()) {
					continue;
				}
				try {
					expireSessions(group);
					result = action.apply(group);
				}
				finally {
					finish(group, callbacks);
				}
			}
			finally {
				group.unlock();
				callbacks.forEach(this::runQuietly);
			}
			return result;
		}
	}

	private void expireSessions(ConsumerGroup group) {
		for (GroupMember expired : group.expire(this.time.nanoseconds())) {
			logger.info("{} - Member {} was silent for more than {} ms; its session ended.", group.groupId(),
					expired.memberId(), expired.config().sessionTimeoutMs());
		}
	}

	/** Recomputes the target if needed and hands free partitions to their target members. */
	private void settle(ConsumerGroup group) {
		Map<String, Integer> counts = new HashMap<>();
		for (String topicName : group.subscribedTopics()) {
			Topic topic = topicOrNull(topicName);
			if (topic != null) {
				counts.put(topicName, topic.partitions());
			}
		}
		group.updateTarget(counts);
		group.assignFree();
	}

	/**
	 * Settles what an operation changed: state, database, and whether the group is still kept;
	 * adds the callbacks owed to members to {@code callbacks}, to run once the lock is released.
	 * When the write fails the group is reloaded from the database, which holds the last state
	 * every fencing decision was based on.
	 */
	private void finish(ConsumerGroup group, List<Runnable> callbacks) {
		if (group.removed()) {
			callbacks.addAll(group.drainNotifications());
			return;
		}
		group.updateState();
		boolean forget = group.memberCount() == 0 && !hasCommittedOffsets(group.groupId());
		GroupChanges changes = group.drainChanges(forget);
		if (forget) {
			group.markRemoved();
			this.groups.remove(group.groupId(), group);
		}
		if (changes != null) {
			this.metersStale.set(true);
			try {
				this.store.apply(changes);
			}
			catch (RuntimeException ex) {
				logger.error("{} - Could not store the group's membership; reloading it from the database.",
						group.groupId(), ex);
				callbacks.addAll(group.wakeEveryone());
				group.markRemoved();
				this.groups.remove(group.groupId(), group);
				reload(group.groupId());
				callbacks.addAll(group.drainNotifications());
				throw new CaudalException(ErrorCode.STORAGE_ERROR,
						"The membership of group '" + group.groupId() + "' could not be stored; try again.");
			}
		}
		callbacks.addAll(group.drainNotifications());
	}

	private void reload(String groupId) {
		try {
			this.store.loadGroups()
				.stream()
				.filter(stored -> stored.groupId().equals(groupId))
				.findFirst()
				.ifPresent(this::restore);
		}
		catch (RuntimeException ex) {
			logger.error("{} - Could not reload the group; its members must join again.", groupId, ex);
		}
	}

	private void restore(StoredGroup stored) {
		ConsumerGroup group = ConsumerGroup.restored(stored, this.time.nanoseconds());
		if (this.groups.putIfAbsent(stored.groupId(), group) == null) {
			withGroup(stored.groupId(), false, () -> null, restored -> {
				settle(restored);
				return null;
			});
		}
	}

	private PollPlan preparePoll(String groupId, String memberId, long waitMs, Runnable wakeToForget) {
		return withGroup(groupId, false, unknownMember(groupId, memberId), group -> {
			GroupMember member = member(group, memberId);
			if (wakeToForget != null) {
				member.removeWakeup(wakeToForget);
			}
			member.touch(this.time.nanoseconds(), waitMs);
			releaseOnCall(group, member);
			settle(group);
			List<TopicPartition> readable = group.readable(member);
			int first = readable.isEmpty() ? 0 : member.nextReadCursor() % readable.size();
			List<Slot> slots = new ArrayList<>();
			for (int i = 0; i < readable.size(); i++) {
				TopicPartition tp = readable.get((first + i) % readable.size());
				Log log = logOrNull(tp);
				if (log != null) {
					long position = position(group, member, tp, log);
					member.position(tp, position);
					slots.add(new Slot(tp, position));
				}
			}
			return new PollPlan(slots, group.hasNews(member), member.notifications());
		});
	}

	/**
	 * Where the member reads a partition next: its position, else the committed offset, else as
	 * its autoOffsetReset says; a position outside what the partition holds (removed by retention,
	 * say) also follows autoOffsetReset.
	 */
	private long position(ConsumerGroup group, GroupMember member, TopicPartition tp, Log log) {
		AutoOffsetReset reset = member.config().autoOffsetReset();
		Long position = member.position(tp);
		if (position == null) {
			position = committedOffset(group.groupId(), tp);
		}
		if (position == null) {
			if (reset == AutoOffsetReset.NONE) {
				throw new CaudalException(ErrorCode.NO_COMMITTED_OFFSET,
						"Group '" + group.groupId() + "' has no committed offset for partition " + tp
								+ " and member " + member.memberId() + " asked for autoOffsetReset none.",
						Map.of("topic", tp.topic(), "partition", tp.partition()));
			}
			return (reset == AutoOffsetReset.EARLIEST) ? log.logStartOffset() : log.logEndOffset();
		}
		long start = log.logStartOffset();
		long end = log.logEndOffset();
		if (position >= start && position <= end) {
			return position;
		}
		if (reset == AutoOffsetReset.NONE) {
			throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
					"Offset " + position + " of group '" + group.groupId() + "' is outside partition " + tp
							+ ", which holds [" + start + ", " + end + "], and member " + member.memberId()
							+ " asked for autoOffsetReset none.",
					Map.of("startOffset", start, "endOffset", end));
		}
		logger.info("{} - Offset {} is outside {} [{}, {}]; member {} starts at the {} offset.", group.groupId(),
				position, tp, start, end, member.memberId(), reset.wireName());
		return (reset == AutoOffsetReset.EARLIEST) ? start : end;
	}

	/**
	 * Reads from each slot in turn until the records or bytes run out. A partition that vanished
	 * or lost the records at its position since the plan is skipped; the next poll deals with it.
	 */
	private List<Read> read(List<Slot> slots, int maxRecords, int maxBytes) {
		List<Read> reads = new ArrayList<>();
		int recordsLeft = maxRecords;
		long bytesLeft = maxBytes;
		for (Slot slot : slots) {
			if (recordsLeft <= 0 || bytesLeft <= 0) {
				break;
			}
			TopicPartition tp = slot.partition();
			Fetched fetched;
			try {
				fetched = this.fetchService
					.fetch(tp.topic(), tp.partition(), new FetchPosition.AtOffset(slot.position()), recordsLeft,
							(int) bytesLeft, 0)
					.join();
			}
			catch (CaudalException ex) {
				if (ex.code() == ErrorCode.STORAGE_ERROR || ex.code() == ErrorCode.INTERNAL_ERROR) {
					throw ex;
				}
				continue;
			}
			if (!fetched.records().isEmpty()) {
				reads.add(new Read(slot, fetched));
				recordsLeft -= fetched.records().size();
				bytesLeft -= fetched.bytes();
			}
		}
		return reads;
	}

	/**
	 * Answers a poll: announces revocations, keeps only records of partitions the member still
	 * reads from the position they were read at (a concurrent poll of the same member may have
	 * moved it), and advances those positions: the records are delivered.
	 */
	private Polled completePoll(String groupId, String memberId, List<Read> reads) {
		return withGroup(groupId, false, unknownMember(groupId, memberId), group -> {
			GroupMember member = member(group, memberId);
			member.touch(this.time.nanoseconds(), 0);
			MemberAssignment assignment = group.answer(member);
			Set<TopicPartition> readable = new HashSet<>(assignment.assignment());
			List<ConsumedRecord> delivered = new ArrayList<>();
			for (Read read : reads) {
				TopicPartition tp = read.slot().partition();
				Long position = member.position(tp);
				if (readable.contains(tp) && position != null && position == read.slot().position()) {
					delivered.addAll(read.fetched().records());
					member.position(tp, read.fetched().nextOffset());
				}
			}
			return new Polled(assignment, delivered, member.positions(readable));
		});
	}

	/** Wakes the poll at the member's next notification, or now if one came since its plan. */
	private void watch(String groupId, String memberId, long notificationsSeen, Runnable wake) {
		boolean missed = withGroup(groupId, false, () -> true, group -> {
			GroupMember member = group.member(memberId);
			if (member == null || member.notifications() != notificationsSeen) {
				return true;
			}
			member.addWakeup(wake);
			return false;
		});
		if (missed) {
			wake.run();
		}
	}

	private boolean reserveWaitingPoll(FetchLimits limits) {
		if (this.waitingPolls.incrementAndGet() > limits.maxWaitingPolls()) {
			this.waitingPolls.decrementAndGet();
			return false;
		}
		return true;
	}

	private void checkExplicitOffsets(List<PartitionOffset> offsets) {
		Set<TopicPartition> seen = new HashSet<>();
		for (PartitionOffset offset : offsets) {
			if (!seen.add(offset.topicPartition())) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST,
						"Partition " + offset.topicPartition() + " appears more than once in the commit.");
			}
			Log log = this.topics.log(offset.topic(), offset.partition());
			long start = log.logStartOffset();
			long end = log.logEndOffset();
			if (offset.offset() < start || offset.offset() > end) {
				throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
						"Offset " + offset.offset() + " is outside partition " + offset.topicPartition()
								+ ", which holds [" + start + ", " + end + "]; nothing was committed.",
						Map.of("startOffset", start, "endOffset", end));
			}
		}
	}

	private void remember(String groupId, List<PartitionOffset> offsets) {
		ConcurrentMap<TopicPartition, Long> groupOffsets = this.committed.computeIfAbsent(groupId,
				id -> new ConcurrentHashMap<>());
		for (PartitionOffset offset : offsets) {
			if (groupOffsets.put(offset.topicPartition(), offset.offset()) == null) {
				this.metersStale.set(true);
			}
		}
	}

	private Long committedOffset(String groupId, TopicPartition tp) {
		Map<TopicPartition, Long> offsets = this.committed.get(groupId);
		return (offsets != null) ? offsets.get(tp) : null;
	}

	private boolean hasCommittedOffsets(String groupId) {
		Map<TopicPartition, Long> offsets = this.committed.get(groupId);
		return offsets != null && !offsets.isEmpty();
	}

	/**
	 * Drops every group's committed offsets for a deleted topic. The topic registry calls it while
	 * it deletes the topic, so a topic created again under the same name starts without them.
	 */
	public void topicDeleted(String topic) {
		this.store.deleteOffsetsOfTopic(topic);
		this.committed.values().forEach(offsets -> offsets.keySet().removeIf(tp -> tp.topic().equals(topic)));
		this.committed.values().removeIf(Map::isEmpty);
		this.metersStale.set(true);
		logger.info("Topic {} was deleted; dropped every group's committed offsets for it.", topic);
	}

	/** Offsets restored for topics that no longer exist (a database edited by hand, say) go too. */
	private void dropOffsetsOfDeletedTopics() {
		Set<String> existing = new HashSet<>();
		this.topics.list().forEach(topic -> existing.add(topic.name()));
		Set<String> gone = new TreeSet<>();
		this.committed.values().forEach(offsets -> offsets.keySet().forEach(tp -> {
			if (!existing.contains(tp.topic())) {
				gone.add(tp.topic());
			}
		}));
		gone.forEach(this::topicDeleted);
	}

	private void refreshMeters() {
		if (!this.metersStale.getAndSet(false)) {
			return;
		}
		List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
		Map<String, Map<TopicPartition, Long>> sorted = new TreeMap<>(this.committed);
		sorted.forEach((groupId, offsets) -> offsets.keySet().forEach(tp -> lagRows.add(MultiGauge.Row.of(
				Tags.of("group", groupId, "topic", tp.topic(), "partition", Integer.toString(tp.partition())),
				() -> lag(groupId, tp)))));
		this.lagGauge.register(lagRows, true);
		List<MultiGauge.Row<?>> memberRows = new ArrayList<>();
		this.groups.forEach((groupId, group) -> memberRows
			.add(MultiGauge.Row.of(Tags.of("group", groupId), group, ConsumerGroup::memberCount)));
		this.membersGauge.register(memberRows, true);
	}

	private Number lag(String groupId, TopicPartition tp) {
		Long offset = committedOffset(groupId, tp);
		Log log = logOrNull(tp);
		if (offset == null || log == null) {
			return Double.NaN;
		}
		return Math.max(0, log.logEndOffset() - offset);
	}

	private Topic topicOrNull(String name) {
		try {
			return this.topics.topic(name);
		}
		catch (CaudalException ex) {
			return null;
		}
	}

	private Log logOrNull(TopicPartition tp) {
		try {
			return this.topics.log(tp.topic(), tp.partition());
		}
		catch (CaudalException ex) {
			return null;
		}
	}

	private void runQuietly(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.error("A group member's listener failed.", ex);
		}
	}

	/** A call from the member lets go of what it was told to give up, unless it releases explicitly. */
	private static void releaseOnCall(ConsumerGroup group, GroupMember member) {
		if (!member.listener().releasesExplicitly()) {
			group.release(member);
		}
	}

	private static GroupMember member(ConsumerGroup group, String memberId) {
		GroupMember member = group.member(memberId);
		if (member == null) {
			throw unknownMemberException(group.groupId(), memberId);
		}
		return member;
	}

	private static <T> Supplier<T> unknownMember(String groupId, String memberId) {
		return () -> {
			throw unknownMemberException(groupId, memberId);
		};
	}

	private static CaudalException unknownMemberException(String groupId, String memberId) {
		return new CaudalException(ErrorCode.UNKNOWN_MEMBER, "Member " + memberId + " is not in group '" + groupId
				+ "': its session ended or it left; join again.");
	}

	private static CaudalException groupNotFound(String groupId) {
		return new CaudalException(ErrorCode.GROUP_NOT_FOUND,
				"Group '" + groupId + "' has no members and no committed offsets.");
	}

	private static void checkGroupId(String groupId) {
		if (groupId == null || groupId.isEmpty() || groupId.length() > MAX_GROUP_ID_LENGTH
				|| groupId.chars().anyMatch(Character::isISOControl)) {
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "A group id is 1 to " + MAX_GROUP_ID_LENGTH
					+ " characters long, without control characters.");
		}
	}

	/** A partition a poll reads, from the member's position. */
	private record Slot(TopicPartition partition, long position) {
	}

	/** What a poll may read, whether its answer has news, and the member's notification count then. */
	private record PollPlan(List<Slot> slots, boolean news, long notifications) {
	}

	private record Read(Slot slot, Fetched fetched) {
	}

	/** A parsed reset destination. */
	private record ResetTarget(String kind, long value) {

		static ResetTarget parse(String to) {
			if ("earliest".equals(to) || "latest".equals(to)) {
				return new ResetTarget(to, 0);
			}
			if (to != null && (to.startsWith("offset:") || to.startsWith("timestamp:"))) {
				int colon = to.indexOf(':');
				try {
					long value = Long.parseLong(to.substring(colon + 1));
					if (value >= 0) {
						return new ResetTarget(to.substring(0, colon), value);
					}
				}
				catch (NumberFormatException ex) {
					// falls through to the refusal below, which names the accepted forms
				}
			}
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "Field 'to' must be earliest, latest, offset:N or "
					+ "timestamp:T with N and T whole numbers of 0 or more, not '" + to + "'.");
		}

		long resolve(String topic, int partition, Log log, FetchService fetchService) {
			long start = log.logStartOffset();
			long end = log.logEndOffset();
			switch (this.kind) {
				case "earliest":
					return start;
				case "latest":
					return end;
				case "timestamp":
					return fetchService.offsetForTimestamp(topic, partition, this.value);
				default:
					if (this.value < start || this.value > end) {
						throw new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE,
								"Offset " + this.value + " is outside partition " + topic + "-" + partition
										+ ", which holds [" + start + ", " + end + "].",
								Map.of("startOffset", start, "endOffset", end));
					}
					return this.value;
			}
		}

	}

}
