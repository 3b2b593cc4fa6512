package io.caudal.kafka;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.offset.GroupChanges;
import io.caudal.offset.OffsetStore;
import io.caudal.offset.PartitionOffset;
import io.caudal.offset.StoredGroup;
import io.caudal.topic.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets, as the database keeps them, also written to Kafka's {@code __consumer_offsets} under the
 * group's name (with a prefix), so that Kafka's tools ({@code kafka-consumer-groups.sh --describe}) show Caudal's
 * groups and their lag. The database stays the truth for fencing: a mirror write happens after the commit, on a
 * thread of its own, and its failure changes nothing for Caudal's members. A Kafka group of that name with live
 * members of its own is never overwritten: Kafka refuses, and a warning says so.
 * <p>
 * Memory is bounded by what is committed: pending writes keep only the latest offset per group and partition.
 */
public final class OffsetMirror implements OffsetStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(OffsetMirror.class);

	private final OffsetStore store;

	private final Admin admin;

	private final String prefix;

	private final long timeoutMs;

	/** Guarded by {@code this}: per group, the offsets not yet written to Kafka. */
	private final Map<String, Map<TopicPartition, Long>> pending = new LinkedHashMap<>();

	private final Thread writer;

	private volatile boolean running = true;

	OffsetMirror(OffsetStore store, Admin admin, String prefix, long timeoutMs) {
		this.store = store;
		this.admin = admin;
		this.prefix = prefix;
		this.timeoutMs = timeoutMs;
		this.writer = DaemonThreads.named("caudal-kafka-offset-mirror").newThread(this::run);
		this.writer.start();
	}

	@Override
	public void commit(String groupId, String memberId, Integer generation, List<PartitionOffset> offsets,
			long nowMs) {
		this.store.commit(groupId, memberId, generation, offsets, nowMs);
		mirror(groupId, offsets);
	}

	@Override
	public void resetOffsets(String groupId, List<PartitionOffset> offsets, long nowMs) {
		this.store.resetOffsets(groupId, offsets, nowMs);
		mirror(groupId, offsets);
	}

	@Override
	public Map<String, Map<TopicPartition, Long>> loadCommittedOffsets() {
		return this.store.loadCommittedOffsets();
	}

	@Override
	public Map<TopicPartition, Long> committedOffsets(String groupId) {
		return this.store.committedOffsets(groupId);
	}

	@Override
	public void deleteOffsetsOfTopic(String topic) {
		this.store.deleteOffsetsOfTopic(topic);
	}

	@Override
	public void deleteGroup(String groupId) {
		this.store.deleteGroup(groupId);
		synchronized (this) {
			this.pending.remove(groupId);
		}
	}

	@Override
	public List<StoredGroup> loadGroups() {
		return this.store.loadGroups();
	}

	@Override
	public void apply(GroupChanges changes) {
		this.store.apply(changes);
	}

	@Override
	public Optional<StoredGroup> loadGroup(String groupId) {
		return this.store.loadGroup(groupId);
	}

	@Override
	public <T> T inTransaction(Supplier<T> work) {
		return this.store.inTransaction(work);
	}

	@Override
	public OptionalLong lockGroup(String groupId) {
		return this.store.lockGroup(groupId);
	}

	@Override
	public void createGroup(String groupId) {
		this.store.createGroup(groupId);
	}

	@Override
	public long databaseTimeMs() {
		return this.store.databaseTimeMs();
	}

	@Override
	public Set<String> groupsDue(long nowMs) {
		return this.store.groupsDue(nowMs);
	}

	@Override
	public int countMembers(String principal, String transport) {
		return this.store.countMembers(principal, transport);
	}

	@Override
	public Map<String, Long> groupVersions() {
		return this.store.groupVersions();
	}

	private void mirror(String groupId, List<PartitionOffset> offsets) {
		if (offsets.isEmpty()) {
			return;
		}
		synchronized (this) {
			Map<TopicPartition, Long> group = this.pending.computeIfAbsent(groupId, id -> new HashMap<>());
			offsets.forEach(offset -> group.put(new TopicPartition(offset.topic(), offset.partition()), offset.offset()));
			notifyAll();
		}
	}

	private void run() {
		while (this.running) {
			String groupId;
			Map<TopicPartition, Long> offsets;
			synchronized (this) {
				while (this.running && this.pending.isEmpty()) {
					try {
						wait();
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				if (!this.running) {
					return;
				}
				groupId = this.pending.keySet().iterator().next();
				offsets = this.pending.remove(groupId);
			}
			write(groupId, offsets);
		}
	}

	private void write(String groupId, Map<TopicPartition, Long> offsets) {
		Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> kafka = new HashMap<>();
		offsets.forEach((partition, offset) -> kafka.put(KafkaReaders.kafka(partition), new OffsetAndMetadata(offset)));
		String name = this.prefix + groupId;
		try {
			this.admin.alterConsumerGroupOffsets(name, kafka).all().get(this.timeoutMs,
					TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GroupNotEmptyException || ex.getCause() instanceof UnknownMemberIdException) {
				logger.warn("Kafka group '{}' has live members of its own; Caudal group '{}' is not mirrored into it. "
						+ "Choose another caudal.kafka.mirror-group-prefix.", name, groupId);
			}
			else {
				logger.warn("Mirroring the offsets of group '{}' to Kafka failed; the next commit tries again: {}",
						groupId, ex.getCause().toString());
			}
		}
		catch (TimeoutException ex) {
			logger.warn("Mirroring the offsets of group '{}' to Kafka took over {} ms; the next commit tries again.",
					groupId, this.timeoutMs);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.running = false;
		synchronized (this) {
			notifyAll();
		}
	}

}
