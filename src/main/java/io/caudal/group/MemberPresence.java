package io.caudal.group;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.caudal.topic.TopicPartition;

/**
 * What one node knows of a member beyond what the database holds: how to reach it (its transport's listener and
 * the polls waiting for its news), what it was last told, and where its next poll starts reading. Where groups are
 * shared the member is loaded afresh for each action, and its presence on this node carries over.
 *
 * <p>
 * Not thread-safe: every access happens under its group's lock, except {@link #commitLock()}.
 */
final class MemberPresence {

	private final MemberListener listener;

	/** What the member was last told through this node; null when it never was (it came from another node). */
	private List<TopicPartition> lastAssignment;

	private final Set<Runnable> wakeups = new LinkedHashSet<>();

	/**
	 * Serializes this member's commits, so that the database and the coordinator's cache of committed offsets see
	 * them in the same order; no other member ever waits on it.
	 */
	private final Object commitLock = new Object();

	private int readCursor;

	/** A member joining through this node. */
	MemberPresence(MemberListener listener) {
		this.listener = listener;
		this.lastAssignment = List.of();
	}

	/** A member that joined through another node, first seen here. */
	static MemberPresence fromElsewhere() {
		MemberPresence presence = new MemberPresence(MemberListener.NONE);
		presence.lastAssignment = null;
		return presence;
	}

	MemberListener listener() {
		return this.listener;
	}

	/** Whether the member is reached through this node: its transport listens here, or a poll waits here. */
	boolean reachable() {
		return this.listener != MemberListener.NONE || !this.wakeups.isEmpty();
	}

	List<TopicPartition> lastAssignment() {
		return this.lastAssignment;
	}

	void lastAssignment(List<TopicPartition> assignment) {
		this.lastAssignment = List.copyOf(assignment);
	}

	void addWakeup(Runnable wakeup) {
		this.wakeups.add(wakeup);
	}

	void removeWakeup(Runnable wakeup) {
		this.wakeups.remove(wakeup);
	}

	/** Hands back the wakeups waiting for the member's next news, forgetting them. */
	List<Runnable> notified() {
		List<Runnable> due = new ArrayList<>(this.wakeups);
		this.wakeups.clear();
		return due;
	}

	int nextReadCursor() {
		return this.readCursor++ & Integer.MAX_VALUE;
	}

	Object commitLock() {
		return this.commitLock;
	}

}
