package io.caudal.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caudal.offset.StoredMember;
import io.caudal.topic.TopicPartition;

/**
 * One member of a group as the coordinator tracks it: its settings, session deadline, generation,
 * and the position (next offset to deliver) of each partition it reads; what only this node knows
 * of it is its {@link MemberPresence}.
 *
 * <p>
 * Not thread-safe: every access happens under its {@link ConsumerGroup}'s lock.
 */
final class GroupMember {

	private final String memberId;

	private final MemberConfig config;

	private final Transport transport;

	private final MemberPresence presence;

	private final String owner;

	private long joinOrder;

	private long deadlineNanos;

	private int generation;

	private final Map<TopicPartition, Long> positions = new HashMap<>();

	/** @param owner the principal that joined it, or null (security off) */
	GroupMember(String memberId, MemberConfig config, Transport transport, String owner, MemberPresence presence) {
		this.memberId = memberId;
		this.config = config;
		this.transport = transport;
		this.owner = owner;
		this.presence = presence;
	}

	/**
	 * A member as the database holds it.
	 * @param presence what this node knows of it beyond the database
	 * @param clock where groups are shared, to place its session deadline on this node's clock; else null, and it
	 * gets a fresh session from whoever restores it
	 */
	static GroupMember restored(StoredMember stored, MemberPresence presence, GroupClock clock) {
		MemberConfig config = new MemberConfig(stored.topics(), stored.sessionTimeoutMs(), stored.rebalanceTimeoutMs(),
				stored.assignor(), AutoOffsetReset.parse(stored.autoOffsetReset()), stored.instanceId());
		GroupMember member = new GroupMember(stored.memberId(), config, Transport.parse(stored.transport()),
				stored.principal(), presence);
		member.joinOrder = stored.joinOrder();
		member.generation = stored.generation();
		if (clock != null && stored.sessionDeadlineMs() != null) {
			member.deadlineNanos = clock.toNanos(stored.sessionDeadlineMs());
		}
		return member;
	}

	/** @param clock where groups are shared, to keep the session deadline in the database's time; else null */
	StoredMember stored(GroupClock clock) {
		return new StoredMember(this.memberId, this.config.instanceId(), this.transport.wireName(),
				this.config.topics(), this.config.sessionTimeoutMs(), this.config.rebalanceTimeoutMs(),
				this.config.assignor(), this.config.autoOffsetReset().wireName(), this.joinOrder, this.generation,
				(clock != null) ? clock.toDatabaseMs(this.deadlineNanos) : null, this.owner);
	}

	String memberId() {
		return this.memberId;
	}

	MemberConfig config() {
		return this.config;
	}

	Transport transport() {
		return this.transport;
	}

	/** The principal that joined it, or null (security off). */
	String owner() {
		return this.owner;
	}

	MemberListener listener() {
		return this.presence.listener();
	}

	MemberPresence presence() {
		return this.presence;
	}

	long joinOrder() {
		return this.joinOrder;
	}

	void joinOrder(long joinOrder) {
		this.joinOrder = joinOrder;
	}

	int generation() {
		return this.generation;
	}

	void generation(int generation) {
		this.generation = generation;
	}

	/**
	 * Starts a new session period: the member stays until {@code sessionTimeoutMs} after
	 * {@code extraMs} from now (the length of a long poll it is about to wait in). Call it through
	 * {@link ConsumerGroup#touch}.
	 * @return the new deadline
	 */
	long touch(long nowNanos, long extraMs) {
		this.deadlineNanos = nowNanos + (this.config.sessionTimeoutMs() + extraMs) * 1_000_000L;
		return this.deadlineNanos;
	}

	long deadlineNanos() {
		return this.deadlineNanos;
	}

	/** When a partition this member is told now to give up is released at the latest: its rebalance timeout. */
	long releaseDeadline(long nowNanos) {
		return nowNanos + this.config.rebalanceTimeoutMs() * 1_000_000L;
	}

	boolean expired(long nowNanos) {
		return nowNanos - this.deadlineNanos > 0;
	}

	Long position(TopicPartition tp) {
		return this.positions.get(tp);
	}

	void position(TopicPartition tp, long offset) {
		this.positions.put(tp, offset);
	}

	/** Positions of the given partitions that have one. */
	Map<TopicPartition, Long> positions(Set<TopicPartition> partitions) {
		Map<TopicPartition, Long> result = new HashMap<>(this.positions);
		result.keySet().retainAll(partitions);
		return result;
	}

	void forgetPositionsExcept(Set<TopicPartition> kept) {
		this.positions.keySet().retainAll(kept);
	}

	List<TopicPartition> lastAssignment() {
		return this.presence.lastAssignment();
	}

	void lastAssignment(List<TopicPartition> assignment) {
		this.presence.lastAssignment(assignment);
	}

	/** Runs once at the next notification. */
	void addWakeup(Runnable wakeup) {
		this.presence.addWakeup(wakeup);
	}

	void removeWakeup(Runnable wakeup) {
		this.presence.removeWakeup(wakeup);
	}

	/** Hands back the wakeups waiting for the member's next news, forgetting them. */
	List<Runnable> notified() {
		return this.presence.notified();
	}

	/** The index of the partition a poll reads first, moving on at each poll so none is starved. */
	int nextReadCursor() {
		return this.presence.nextReadCursor();
	}

	Object commitLock() {
		return this.presence.commitLock();
	}

}
