package io.caudal.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.caudal.budget.Held;
import io.caudal.budget.Reservation;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.PartitionOffset;
import io.caudal.time.Time;
import io.caudal.topic.FetchLimits;
import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.PartitionState;
import io.caudal.topic.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls: a member reading the partitions it owns, from its positions. A poll takes the group's lock twice: once to
 * plan (heartbeat, release, settle, decide what to read and register for the member's news), once to deliver (check
 * the reads still belong to the member at the positions they were read from, move the positions, answer).
 * Everything between, reading and waiting, goes through the {@link FetchService} without the lock. Thread-safe.
 */
final class GroupPolls {

	private static final Logger logger = LoggerFactory.getLogger(GroupPolls.class);

	private final Groups groups;

	private final FetchService fetch;

	private final CommittedOffsets committed;

	private final Time time;

	private final Executor executor;

	GroupPolls(Groups groups, FetchService fetch, CommittedOffsets committed, Time time, Executor executor) {
		this.groups = groups;
		this.fetch = fetch;
		this.committed = committed;
		this.time = time;
		this.executor = executor;
	}

	/** See {@link GroupCoordinator#poll}. */
	CompletableFuture<Held<Polled>> poll(String groupId, String memberId, int maxRecords, int maxBytes,
			long waitMs, Integer seenGeneration) {
		FetchLimits limits = this.fetch.limits();
		long wait = Math.min(waitMs, limits.maxWaitMs());
		CompletableFuture<Void> news = new CompletableFuture<>();
		Runnable wakeup = (wait > 0) ? () -> news.complete(null) : null;
		PollPlan plan = plan(groupId, memberId, wait, wakeup, seenGeneration);
		Held<List<PartitionRecords>> reads = readHeld(plan, maxRecords, maxBytes);
		if (!reads.value().isEmpty() || plan.news() || wait <= 0) {
			return CompletableFuture.completedFuture(answer(groupId, memberId, reads, wakeup));
		}
		reads.release();
		Map<TopicPartition, Long> positions = new HashMap<>();
		plan.positions().forEach(position -> positions.put(position.topicPartition(), position.offset()));
		CompletableFuture<Void> waited = this.fetch.longPoll(positions, wait);
		news.thenRun(() -> waited.complete(null));
		return FetchService.cancelling(waited, waited.thenApplyAsync(
				woken -> answer(groupId, memberId, readHeld(plan, maxRecords, maxBytes), wakeup), this.executor));
	}

	/** See {@link GroupCoordinator#plan}. */
	PollPlan plan(String groupId, String memberId, long waitMs, Runnable wakeup, Integer seenGeneration) {
		return this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId), group -> {
			GroupMember member = GroupErrors.member(group, memberId);
			if (wakeup != null) {
				member.addWakeup(wakeup);
			}
			group.touch(member, this.time.nanoseconds(), waitMs);
			group.releaseSeen(member, seenGeneration);
			this.groups.settle(group);
			List<TopicPartition> readable = group.readable(member);
			int first = readable.isEmpty() ? 0 : member.nextReadCursor() % readable.size();
			List<PartitionOffset> positions = new ArrayList<>();
			for (int i = 0; i < readable.size(); i++) {
				TopicPartition tp = readable.get((first + i) % readable.size());
				PartitionState state = this.fetch.findState(tp).orElse(null);
				if (state != null) {
					long position = position(group, member, tp, state);
					group.moveTo(member, tp, position);
					positions.add(PartitionOffset.of(tp, position));
				}
			}
			return new PollPlan(positions, group.hasNews(member));
		});
	}

	/** See {@link GroupCoordinator#deliver}. */
	Delivered deliver(String groupId, String memberId, List<Delivery> deliveries, boolean allOrNothing,
			Runnable wakeup) {
		return this.groups.withGroup(groupId, false, GroupErrors.unknownMember(groupId, memberId), group -> {
			GroupMember member = GroupErrors.member(group, memberId);
			if (wakeup != null) {
				member.removeWakeup(wakeup);
			}
			group.touch(member, this.time.nanoseconds(), 0);
			MemberAssignment assignment = group.answer(member, this.time.nanoseconds());
			Set<TopicPartition> readable = new HashSet<>(assignment.assignment());
			List<Delivery> accepted = new ArrayList<>();
			for (Delivery delivery : deliveries) {
				Long position = member.position(delivery.partition());
				if (readable.contains(delivery.partition()) && position != null
						&& position == delivery.fromOffset()) {
					accepted.add(delivery);
				}
			}
			if (allOrNothing && accepted.size() != deliveries.size()) {
				accepted.clear();
			}
			Set<TopicPartition> partitions = new HashSet<>();
			for (Delivery delivery : accepted) {
				group.moveTo(member, delivery.partition(), delivery.nextOffset());
				partitions.add(delivery.partition());
			}
			return new Delivered(assignment, partitions, member.positions(readable));
		});
	}

	/**
	 * Reads the planned partitions in turn until the records or bytes run out. A partition that vanished or lost the
	 * records at its position since the plan is skipped; the next poll deals with it.
	 */
	List<PartitionRecords> read(PollPlan plan, int maxRecords, int maxBytes) {
		List<PartitionRecords> reads = new ArrayList<>();
		int recordsLeft = Math.min(maxRecords, this.fetch.limits().maxRecords());
		long bytesLeft = Math.min(maxBytes, this.fetch.limits().maxBytes());
		for (PartitionOffset position : plan.positions()) {
			if (recordsLeft <= 0 || bytesLeft <= 0) {
				break;
			}
			PartitionRecords records;
			try {
				records = this.fetch.read(position.topicPartition(), position.offset(), recordsLeft, (int) bytesLeft);
			}
			catch (CaudalException ex) {
				if (ex.code() == ErrorCode.STORAGE_ERROR || ex.code() == ErrorCode.INTERNAL_ERROR) {
					throw ex;
				}
				continue;
			}
			if (!records.isEmpty()) {
				reads.add(records);
				recordsLeft -= records.count();
				bytesLeft -= records.sizeInBytes();
			}
		}
		return reads;
	}

	/** Reads within the memory the answer budget grants the poll; the reads hold it until the answer is written. */
	private Held<List<PartitionRecords>> readHeld(PollPlan plan, int maxRecords, int maxBytes) {
		Reservation memory = this.fetch.reserveAnswer(maxBytes);
		try {
			List<PartitionRecords> reads = read(plan, maxRecords, (int) Math.max(1, memory.bytes()));
			FetchService.holdExactly(memory, reads.stream().mapToLong(PartitionRecords::bufferedBytes).sum());
			return new Held<>(reads, memory);
		}
		catch (RuntimeException ex) {
			memory.release();
			throw ex;
		}
	}

	private Held<Polled> answer(String groupId, String memberId, Held<List<PartitionRecords>> reads,
			Runnable wakeup) {
		try {
			Delivered delivered = deliver(groupId, memberId, reads.value().stream().map(Delivery::of).toList(), false,
					wakeup);
			List<PartitionRecords> records = reads.value()
				.stream()
				.filter(read -> delivered.partitions().contains(read.partition()))
				.toList();
			return new Held<>(new Polled(delivered.assignment(), records), reads.memory());
		}
		catch (RuntimeException ex) {
			reads.release();
			throw ex;
		}
	}

	/**
	 * Where the member reads a partition next: its position, else the committed offset, else as its autoOffsetReset
	 * says; a position outside what the partition holds (removed by retention, say) also follows autoOffsetReset.
	 */
	private long position(ConsumerGroup group, GroupMember member, TopicPartition tp, PartitionState state) {
		AutoOffsetReset reset = member.config().autoOffsetReset();
		Long position = member.position(tp);
		if (position == null) {
			position = this.committed.get(group.groupId(), tp);
		}
		if (position == null) {
			if (reset == AutoOffsetReset.NONE) {
				throw new CaudalException(ErrorCode.NO_COMMITTED_OFFSET,
						"Group '" + group.groupId() + "' has no committed offset for partition " + tp + " and member "
								+ member.memberId() + " asked for autoOffsetReset none.",
						Map.of("topic", tp.topic(), "partition", tp.partition()));
			}
			return (reset == AutoOffsetReset.EARLIEST) ? state.startOffset() : state.endOffset();
		}
		long start = state.startOffset();
		long end = state.endOffset();
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

}
