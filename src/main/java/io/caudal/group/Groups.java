package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.GroupChanges;
import io.caudal.offset.OffsetStore;
import io.caudal.offset.StoredGroup;
import io.caudal.time.Time;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups and the one way to act on one: {@link #withGroup} takes the group's lock, ends the sessions that
 * expired, runs the action, brings the group's target and owners up to date, writes what changed to the
 * {@link OffsetStore} before letting go of the lock, and then, without the lock, tells the members concerned. So the
 * rows that fence commits always match the state decisions are taken from.
 * <p>
 * A single node keeps its groups in memory and the database follows. Where several nodes share the groups, the
 * database is the only memory: each action runs in one transaction that locks the group's row, loads the group,
 * acts and writes, so no two nodes ever decide from different states, and each expiry happens once. A node learns
 * what others changed for the members it reaches from the group's version, in {@link #sweepShared}. Thread-safe.
 */
final class Groups {

	private static final Logger logger = LoggerFactory.getLogger(Groups.class);

	private final ConcurrentMap<String, ConsumerGroup> groups = new ConcurrentHashMap<>();

	private final OffsetStore store;

	private final TopicService topics;

	private final CommittedOffsets committed;

	private final GroupMeters meters;

	private final Time time;

	/** Where groups are shared: what this node keeps of each between actions. Null for a single node. */
	private final ConcurrentMap<String, GroupSlot> slots;

	/** How many sweeps ran, so that every group is looked at now and then, not only those with news. */
	private long sweeps;

	Groups(OffsetStore store, TopicService topics, CommittedOffsets committed, GroupMeters meters, Time time,
			boolean shared) {
		this.store = store;
		this.topics = topics;
		this.committed = committed;
		this.meters = meters;
		this.time = time;
		this.slots = shared ? new ConcurrentHashMap<>() : null;
	}

	boolean shared() {
		return this.slots != null;
	}

	/** Every group in memory, by id (where groups are shared, as this node last loaded them); a snapshot. */
	Map<String, ConsumerGroup> snapshot() {
		return Map.copyOf(this.groups);
	}

	/** How many times a group's lock was taken on this node so far; 0 for a group it never acted on. */
	long lockRounds(String groupId) {
		if (shared()) {
			GroupSlot slot = this.slots.get(groupId);
			return (slot != null) ? slot.lockRounds() : 0;
		}
		ConsumerGroup group = this.groups.get(groupId);
		return (group != null) ? group.lockRounds() : 0;
	}

	/**
	 * Runs an action under a group's lock, then settles and stores what it changed; the members concerned are told
	 * after the lock is let go.
	 * @param create whether to create the group when it does not exist
	 * @param absent what to answer when it does not exist and is not created; may throw
	 */
	<T> T withGroup(String groupId, boolean create, Supplier<T> absent, Function<ConsumerGroup, T> action) {
		if (shared()) {
			return withSharedGroup(groupId, create, absent, action);
		}
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
					expireSessions(group, this.time.nanoseconds());
					result = action.apply(group);
				}
				finally {
					finish(group, callbacks);
				}
			}
			finally {
				group.unlock();
				callbacks.forEach(Groups::runQuietly);
			}
			return result;
		}
	}

	/**
	 * Recomputes the target if the members or the partition counts of the subscribed topics changed, and hands
	 * free partitions to their target members. Call under the group's lock.
	 */
	void settle(ConsumerGroup group) {
		Map<String, Integer> counts = new HashMap<>();
		for (String topicName : group.subscribedTopics()) {
			try {
				Topic topic = this.topics.topic(topicName);
				counts.put(topicName, topic.partitions());
			}
			catch (CaudalException ex) {
				// A deleted topic has no partitions left to assign.
			}
		}
		group.updateTarget(counts);
		group.assignFree();
	}

	/** Restores a group as the database holds it, unless one of that id is in memory already. */
	void restore(StoredGroup stored) {
		ConsumerGroup group = ConsumerGroup.restored(stored, this.time.nanoseconds());
		if (this.groups.putIfAbsent(stored.groupId(), group) == null) {
			withGroup(stored.groupId(), false, () -> null, restored -> {
				settle(restored);
				return null;
			});
		}
	}

	/** Forgets a group that was just deleted; call under its lock. */
	void forget(ConsumerGroup group) {
		group.markRemoved();
		this.groups.remove(group.groupId(), group);
	}

	private void expireSessions(ConsumerGroup group, long now) {
		for (GroupMember expired : group.expire(now)) {
			this.meters.sessionExpired();
			logger.info("{} - Member {} was silent for more than {} ms; its session ended.", group.groupId(),
					expired.memberId(), expired.config().sessionTimeoutMs());
		}
		List<TopicPartition> overdue = group.releaseOverdue(now);
		if (!overdue.isEmpty()) {
			logger.info("{} - {} were kept past their owners' rebalance timeout without a sign the owners heard of "
					+ "their revocation; they move on, and the old owners' commits for them are refused.",
					group.groupId(), overdue);
		}
	}

	/**
	 * Settles what an action changed: state, database, and whether the group is still kept; adds the callbacks owed
	 * to members to {@code callbacks}, to run once the lock is released. When the write fails the group is reloaded
	 * from the database, which holds the last state every fencing decision was based on.
	 */
	private void finish(ConsumerGroup group, List<Runnable> callbacks) {
		if (group.removed()) {
			callbacks.addAll(group.drainNotifications());
			return;
		}
		group.updateState();
		boolean forget = group.memberCount() == 0 && !this.committed.hasAny(group.groupId());
		GroupChanges changes = group.drainChanges(forget, null);
		if (forget) {
			forget(group);
		}
		if (changes != null) {
			this.meters.markStale();
			try {
				this.store.apply(changes);
			}
			catch (RuntimeException ex) {
				logger.error("{} - Could not store the group's membership; reloading it from the database.",
						group.groupId(), ex);
				callbacks.addAll(group.wakeEveryone());
				forget(group);
				reload(group.groupId());
				callbacks.addAll(group.drainNotifications());
				throw new CaudalException(ErrorCode.STORAGE_ERROR,
						"The membership of group '" + group.groupId() + "' could not be stored; try again.");
			}
		}
		callbacks.addAll(group.drainNotifications());
	}

	private <T> T withSharedGroup(String groupId, boolean create, Supplier<T> absent,
			Function<ConsumerGroup, T> action) {
		while (true) {
			GroupSlot slot = this.slots.computeIfAbsent(groupId, id -> new GroupSlot());
			List<Runnable> callbacks = new ArrayList<>();
			SharedAction<T> done;
			slot.lock();
			try {
				if (slot.removed()) {
					continue;
				}
				try {
					done = this.store.inTransaction(() -> actShared(groupId, slot, action));
				}
				catch (RuntimeException ex) {
					logger.error("{} - Could not act on the group in the database; nothing of this action stays.",
							groupId, ex);
					callbacks.addAll(slot.wakeEveryone());
					slot.version(-1);
					throw new CaudalException(ErrorCode.STORAGE_ERROR,
							"The membership of group '" + groupId + "' could not be stored; try again.");
				}
				callbacks.addAll(done.callbacks());
				slot.noteReach();
				if (done.gone()) {
					callbacks.addAll(slot.forgetMembersExcept(null));
					slot.markRemoved();
					this.slots.remove(groupId, slot);
					this.groups.remove(groupId);
				}
			}
			finally {
				slot.unlock();
				callbacks.forEach(Groups::runQuietly);
			}
			if (done.absent()) {
				if (!create) {
					return absent.get();
				}
				this.store.createGroup(groupId);
				continue;
			}
			if (done.failure() != null) {
				throw done.failure();
			}
			return done.result();
		}
	}

	/**
	 * One action on a shared group, in the transaction that holds the lock on its row: load, expire, act, settle,
	 * write. An exception of the action is handed back, not thrown, so that what happened before it (an expiry, say)
	 * is written all the same, as on a single node.
	 */
	private <T> SharedAction<T> actShared(String groupId, GroupSlot slot, Function<ConsumerGroup, T> action) {
		OptionalLong version = this.store.lockGroup(groupId);
		if (version.isEmpty()) {
			return SharedAction.missing();
		}
		GroupClock clock = new GroupClock(this.time.nanoseconds(), this.store.databaseTimeMs());
		StoredGroup stored = this.store.loadGroup(groupId).orElseThrow();
		this.committed.replaceGroup(groupId, this.store.committedOffsets(groupId));
		ConsumerGroup group = ConsumerGroup.loaded(stored, clock, slot::presence);
		List<Runnable> callbacks = new ArrayList<>(slot.forgetMembersExcept(group));
		if (stored.version() != slot.version()) {
			// Another node changed the group: the members reached here hear of it as if it happened here.
			group.membersInJoinOrder()
				.stream()
				.filter(member -> member.presence().reachable())
				.forEach(group::notifyIfNews);
		}
		group.updateState();
		T result = null;
		RuntimeException failure = null;
		try {
			expireSessions(group, clock.localNanos());
			result = action.apply(group);
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		group.membersInJoinOrder().forEach(slot::adopt);
		boolean gone = group.removed();
		if (!gone) {
			group.updateState();
			gone = group.memberCount() == 0 && !this.committed.hasAny(groupId);
			GroupChanges changes = group.drainChanges(gone, clock);
			if (changes != null) {
				this.meters.markStale();
				this.store.apply(changes);
			}
		}
		slot.version(this.store.lockGroup(groupId).orElse(-1));
		if (gone) {
			group.markRemoved();
		}
		else {
			this.groups.put(groupId, group);
		}
		callbacks.addAll(group.drainNotifications());
		return new SharedAction<>(false, gone, result, failure, callbacks);
	}

	/**
	 * Where groups are shared, one round of housekeeping that no single node owns: ends the sessions and revocations
	 * past their deadline in the database's time, whichever node their members used; looks again at the groups
	 * another node changed whose members this node reaches, so they hear of it; and now and then looks at every
	 * group, for partitions added to the topics they read.
	 * @param everyGroupEvery every how many rounds every group is looked at
	 */
	void sweepShared(int everyGroupEvery) {
		Set<String> visits = new TreeSet<>(this.store.groupsDue(this.store.databaseTimeMs()));
		Map<String, Long> versions = this.store.groupVersions();
		this.slots.forEach((groupId, slot) -> {
			Long version = versions.get(groupId);
			if (slot.reachesMembers() && (version == null || version != slot.version())) {
				visits.add(groupId);
			}
		});
		if (++this.sweeps % everyGroupEvery == 0) {
			visits.addAll(versions.keySet());
		}
		for (String groupId : visits) {
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
	}

	/** What one action on a shared group came to. */
	private record SharedAction<T>(boolean absent, boolean gone, T result, RuntimeException failure,
			List<Runnable> callbacks) {

		static <T> SharedAction<T> missing() {
			return new SharedAction<>(true, true, null, null, List.of());
		}

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

	private static void runQuietly(Runnable callback) {
		try {
			callback.run();
		}
		catch (RuntimeException ex) {
			logger.error("A group member's listener failed.", ex);
		}
	}

}
