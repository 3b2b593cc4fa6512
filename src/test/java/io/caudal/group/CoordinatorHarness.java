package io.caudal.group;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caudal.offset.DatabaseClock;
import io.caudal.offset.JdbcOffsetStore;
import io.caudal.support.FakeTime;
import io.caudal.support.StorageHarness;
import io.caudal.topic.FetchService;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A coordinator over real parts without Spring ({@link StorageHarness}): its committed offsets and groups in the
 * same in-memory H2 as the topics. Public for the group socket's tests, which run a real coordinator behind their
 * stub sockets.
 */
public final class CoordinatorHarness implements AutoCloseable {

	public final StorageHarness door;

	public final FakeTime time;

	final JdbcClient jdbc;

	public final JdbcOffsetStore store;

	public final TopicService topics;

	public final FetchService fetch;

	public final GroupCoordinator coordinator;

	public CoordinatorHarness(Path dataDir) {
		this.door = new StorageHarness(dataDir);
		this.time = this.door.time;
		this.jdbc = this.door.jdbc;
		this.store = new JdbcOffsetStore(this.jdbc, new DataSourceTransactionManager(this.door.dataSource),
				new DatabaseClock(this.jdbc));
		this.topics = this.door.topics;
		this.fetch = this.door.fetch;
		this.coordinator = new GroupCoordinator(this.topics, this.fetch, this.store, this.time, Runnable::run,
				this.door.meters, false);
		this.topics.onDelete(this.coordinator::topicDeleted);
		this.coordinator.restore();
	}

	public void createTopic(String name, int partitions) {
		this.topics.create(name, partitions, null, Map.of());
	}

	/** Appends {@code count} records to a partition; their values are their offsets' order in this call. */
	public void produce(String topic, int partition, int count) {
		String[] values = new String[count];
		for (int i = 0; i < count; i++) {
			values[i] = "\"v" + i + "\"";
		}
		this.door.append(topic, partition, values);
	}

	/** How many times the group's lock was taken so far. */
	long lockRounds(String groupId) {
		return this.coordinator.lockRounds(groupId);
	}

	/** The owners in the database, which fence commits. */
	Map<TopicPartition, String> storedOwners(String groupId) {
		return storedOwners(this.jdbc, groupId);
	}

	/** The owners in a database, which fence commits. */
	static Map<TopicPartition, String> storedOwners(JdbcClient jdbc, String groupId) {
		Map<TopicPartition, String> owners = new HashMap<>();
		jdbc.sql("SELECT topic, partition_index, owner_member_id FROM group_partitions"
				+ " WHERE group_id = ? AND owner_member_id IS NOT NULL")
			.param(groupId)
			.query(rs -> {
				owners.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getString(3));
			});
		return owners;
	}

	/** Owners as the coordinator describes them; fails the test if a partition has two. */
	static Map<TopicPartition, String> describedOwners(GroupDescription description) {
		Map<TopicPartition, String> owners = new HashMap<>();
		for (GroupDescription.Member member : description.members()) {
			List<TopicPartition> owned = new ArrayList<>(member.assignment());
			owned.addAll(member.revoking());
			for (TopicPartition tp : owned) {
				String previous = owners.put(tp, member.memberId());
				if (previous != null) {
					throw new AssertionError(tp + " is owned by both " + previous + " and " + member.memberId());
				}
			}
		}
		return owners;
	}

	/** A restarted coordinator on the same database and topics, as after a server restart. */
	GroupCoordinator restarted() {
		GroupCoordinator restarted = new GroupCoordinator(this.topics, this.fetch, this.store, this.time,
				Runnable::run, new SimpleMeterRegistry(), false);
		restarted.restore();
		return restarted;
	}

	/** One round of the coordinator's housekeeping, as its sweeper thread runs it in a server. */
	public void sweep() {
		this.coordinator.sweep();
	}

	@Override
	public void close() {
		this.coordinator.close();
		this.door.close();
	}


}
