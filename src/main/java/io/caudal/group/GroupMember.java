package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caudal.offset.StoredMember;
import io.caudal.topic.TopicPartition;

/**
 * One member of a group as the coordinator tracks it: its settings, session deadline, generation,
 * and the position (next offset to deliver) of each partition it reads.
 *
 * <p>
 * Not thread-safe: every access happens under its {@link ConsumerGroup}'s lock.
 */
final class GroupMember {

	private final String memberId;

	private final MemberConfig config;

	private final Transport transport;

	private final MemberListener listener;

	private long joinOrder;

	private long deadlineNanos;

	private int generation;

	private final Map<TopicPartition, Long> positions = new HashMap<>();

	private List<TopicPartition> lastAssignment = List.of();

	private final Set<Runnable> wakeups = new LinkedHashSet<>();

	/**
	 * Serializes this member's commits, so that the database and the coordinator's cache of
	 * committed offsets see them in the same order; no other member ever waits on it.
	 */
	private final Object commitLock = new Object();

	private int readCursor;

	GroupMember(String memberId, MemberConfig config, Transport transport, MemberListener listener) {
		this.memberId = memberId;
		this.config = config;
		this.transport = transport;
		this.listener = listener;
	}

	static GroupMember restored(StoredMember stored) {
		MemberConfig config = new MemberConfig(stored.topics(), stored.sessionTimeoutMs(), stored.rebalanceTimeoutMs(),
				stored.assignor(), AutoOffsetReset.parse(stored.autoOffsetReset()), stored.instanceId());
		GroupMember member = new GroupMember(stored.memberId(), config, Transport.parse(stored.transport()),
				MemberListener.NONE);
		member.joinOrder = stored.joinOrder();
		member.generation = stored.generation();
		return member;
	}

	StoredMember stored() {
		return new StoredMember(this.memberId, this.config.instanceId(), this.transport.wireName(),
				this.config.topics(), this.config.sessionTimeoutMs(), this.config.rebalanceTimeoutMs(),
				this.config.assignor(), this.config.autoOffsetReset().wireName(), this.joinOrder, this.generation);
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

	MemberListener listener() {
		return this.listener;
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
		return this.lastAssignment;
	}

	void lastAssignment(List<TopicPartition> assignment) {
		this.lastAssignment = List.copyOf(assignment);
	}

	/** Runs once at the next notification. */
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

	/** The index of the partition a poll reads first, moving on at each poll so none is starved. */
	int nextReadCursor() {
		return this.readCursor++ & Integer.MAX_VALUE;
	}

	Object commitLock() {
		return this.commitLock;
	}

}
