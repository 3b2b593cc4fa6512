package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where groups are shared by several nodes, what one node keeps of a group between actions: the lock its own threads
 * take before the database's lock on the group's row, the presence of each member it has seen, and the group's
 * version when this node last loaded or wrote it. The group itself is loaded afresh for every action. Not
 * thread-safe except {@link #version()} and {@link #reachesMembers()}: callers hold {@link #lock()}.
 */
final class GroupSlot {

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<String, MemberPresence> presences = new HashMap<>();

	private volatile long version = -1;

	private volatile long lockRounds;

	/** Whether some member was reached through this node when the last action ended; read without the lock. */
	private volatile boolean reachesMembers;

	private boolean removed;

	void lock() {
		this.lock.lock();
		this.lockRounds++;
	}

	void unlock() {
		this.lock.unlock();
	}

	long lockRounds() {
		return this.lockRounds;
	}

	/** The group's version as this node last saw it; -1 before it did. */
	long version() {
		return this.version;
	}

	void version(long version) {
		this.version = version;
	}

	boolean removed() {
		return this.removed;
	}

	/** Marks the slot gone: a caller that looked it up before must look again. */
	void markRemoved() {
		this.removed = true;
	}

	/** The member's presence on this node, made when the member is first seen here. */
	MemberPresence presence(String memberId) {
		return this.presences.computeIfAbsent(memberId, id -> MemberPresence.fromElsewhere());
	}

	/** Keeps the presence a member was made with on this node (it just joined here). */
	void adopt(GroupMember member) {
		this.presences.putIfAbsent(member.memberId(), member.presence());
	}

	/** Notes, at the end of an action, whether some member is reached through this node. */
	void noteReach() {
		this.reachesMembers = this.presences.values().stream().anyMatch(MemberPresence::reachable);
	}

	/** Whether some member was reached through this node when the last action ended. */
	boolean reachesMembers() {
		return this.reachesMembers;
	}

	/**
	 * Forgets the members the group no longer has, and hands back what is owed to those reached through this node:
	 * their waiting polls are woken and their transports told they were removed.
	 */
	List<Runnable> forgetMembersExcept(ConsumerGroup group) {
		List<Runnable> callbacks = new ArrayList<>();
		this.presences.entrySet().removeIf(entry -> {
			if (group != null && group.member(entry.getKey()) != null) {
				return false;
			}
			callbacks.addAll(entry.getValue().notified());
			callbacks.add(entry.getValue().listener()::removed);
			return true;
		});
		return callbacks;
	}

	/** Wakes every waiting poll of the members reached here, so they look again. */
	List<Runnable> wakeEveryone() {
		List<Runnable> callbacks = new ArrayList<>();
		this.presences.values().forEach(presence -> callbacks.addAll(presence.notified()));
		return callbacks;
	}

}
