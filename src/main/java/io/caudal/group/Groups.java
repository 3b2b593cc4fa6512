package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The groups in memory and the one way to act on one: {@link #withGroup} takes the group's lock, ends the sessions
 * that expired, runs the action, brings the group's target and owners up to date, writes what changed to the
 * {@link OffsetStore} before letting go of the lock, and then, without the lock, tells the members concerned. So the
 * rows that fence commits always match the state decisions are taken from. Thread-safe.
 */
final class Groups {

	private static final Logger logger = LoggerFactory.getLogger(Groups.class);

	private final ConcurrentMap<String, ConsumerGroup> groups = new ConcurrentHashMap<>();

	private final OffsetStore store;

	private final TopicService topics;

	private final CommittedOffsets committed;

	private final GroupMeters meters;

	private final Time time;

	Groups(OffsetStore store, TopicService topics, CommittedOffsets committed, GroupMeters meters, Time time) {
		this.store = store;
		this.topics = topics;
		this.committed = committed;
		this.meters = meters;
		this.time = time;
	}

	/** Every group in memory, by id; a snapshot. */
	Map<String, ConsumerGroup> snapshot() {
		return Map.copyOf(this.groups);
	}

	/**
	 * Runs an action under a group's lock, then settles and stores what it changed; the members concerned are told
	 * after the lock is let go.
	 * @param create whether to create the group when it does not exist
	 * @param absent what to answer when it does not exist and is not created; may throw
	 */
	<T> T withGroup(String groupId, boolean create, Supplier<T> absent, Function<ConsumerGroup, T> action) {
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

	private void expireSessions(ConsumerGroup group) {
		long now = this.time.nanoseconds();
		for (GroupMember expired : group.expire(now)) {
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
		GroupChanges changes = group.drainChanges(forget);
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
