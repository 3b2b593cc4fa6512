package io.caudal.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionState;
import io.caudal.topic.TopicPartition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The group meters: {@code caudal.group.lag} per group, topic and partition with a committed offset, and
 * {@code caudal.group.members} per group, and {@code caudal.group.sessions.expired}. Rows are rebuilt by the coordinator's sweep only when they went stale
 * (a group or a first commit appeared, a topic or group went). Thread-safe.
 */
final class GroupMeters {

	private final CommittedOffsets committed;

	private final FetchService fetch;

	private final MultiGauge lag;

	private final MultiGauge members;

	private final AtomicBoolean stale = new AtomicBoolean(true);

	private final Counter expiredSessions;

	GroupMeters(CommittedOffsets committed, FetchService fetch, MeterRegistry meters) {
		this.committed = committed;
		this.fetch = fetch;
		this.lag = MultiGauge.builder("caudal.group.lag")
			.description("Records of a partition after the group's committed offset")
			.baseUnit("records")
			.register(meters);
		this.members = MultiGauge.builder("caudal.group.members")
			.description("Members of a consumer group")
			.register(meters);
		this.expiredSessions = Counter.builder("caudal.group.sessions.expired")
			.description("Members removed by this node because their session ended")
			.register(meters);
	}

	/** A member's session ended and this node removed it. */
	void sessionExpired() {
		this.expiredSessions.increment();
	}

	/** The rows must be rebuilt at the next refresh. */
	void markStale() {
		this.stale.set(true);
	}

	/**
	 * Rebuilds the rows if they are stale.
	 * @param groups every group in memory, by id
	 */
	void refresh(Map<String, ConsumerGroup> groups) {
		if (!this.stale.getAndSet(false)) {
			return;
		}
		Map<String, List<TopicPartition>> byGroup = new TreeMap<>();
		this.committed.forEach((groupId, tp) -> byGroup.computeIfAbsent(groupId, id -> new ArrayList<>()).add(tp));
		List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
		byGroup.forEach((groupId, partitions) -> partitions.forEach(tp -> lagRows.add(MultiGauge.Row.of(
				Tags.of("group", groupId, "topic", tp.topic(), "partition", Integer.toString(tp.partition())),
				() -> lag(groupId, tp)))));
		this.lag.register(lagRows, true);
		List<MultiGauge.Row<?>> memberRows = new ArrayList<>();
		groups.forEach((groupId, group) -> memberRows
			.add(MultiGauge.Row.of(Tags.of("group", groupId), group, ConsumerGroup::memberCount)));
		this.members.register(memberRows, true);
	}

	private Number lag(String groupId, TopicPartition tp) {
		Long offset = this.committed.get(groupId, tp);
		if (offset == null) {
			return Double.NaN;
		}
		return this.fetch.findState(tp)
			.map(PartitionState::endOffset)
			.<Number>map(end -> Math.max(0, end - offset))
			.orElse(Double.NaN);
	}

}
