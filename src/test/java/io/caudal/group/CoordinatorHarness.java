package io.caudal.group;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.caudal.log.LogRecord;
import io.caudal.log.LogWriter;
import io.caudal.time.Time;
import io.caudal.offset.JdbcOffsetStore;
import io.caudal.support.FakeTime;
import io.caudal.topic.FetchLimits;
import io.caudal.topic.FetchService;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicRegistry;
import io.caudal.topic.TopicRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A coordinator over real parts without Spring: an in-memory H2 with the real migrations, a real
 * topic registry in a temporary directory, a fetch service that answers on the calling thread,
 * and a clock that moves only when the test moves it. Public for the group socket's tests, which
 * run a real coordinator behind their stub sockets.
 */
public final class CoordinatorHarness implements AutoCloseable {

	public final FakeTime time = new FakeTime();

	final JdbcClient jdbc;

	public final JdbcOffsetStore store;

	public final TopicRegistry topics;

	public final GroupCoordinator coordinator;

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final LogWriter writer = new LogWriter(1);

	public CoordinatorHarness(Path dataDir) throws Exception {
		DataSource dataSource = new DriverManagerDataSource(
				"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "");
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
		this.jdbc = JdbcClient.create(dataSource);
		this.store = new JdbcOffsetStore(this.jdbc, new DataSourceTransactionManager(dataSource));
		this.topics = new TopicRegistry(dataDir, 100, new TopicRepository(this.jdbc), this.time, this.writer);
		this.topics.open();
		FetchService fetch = new FetchService(this.topics, new FetchLimits(10_000, 8 << 20, 30_000, 100), Runnable::run,
				this.time, this.meters);
		this.coordinator = new GroupCoordinator(this.topics, fetch, this.store, this.time, Runnable::run, this.meters);
		this.topics.onDelete(this.coordinator::topicDeleted);
		this.coordinator.restore();
	}

	public void createTopic(String name, int partitions) {
		this.topics.create(name, partitions, Map.of());
	}

	/** Appends {@code count} records to a partition; their values are their offsets' order in this call. */
	public void produce(String topic, int partition, int count) {
		List<LogRecord> records = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			records.add(new LogRecord(null, ("\"v" + i + "\"").getBytes(StandardCharsets.UTF_8), List.of(),
					this.time.milliseconds()));
		}
		this.topics.log(topic, partition).append(records).join();
	}

	/** The owners in the database, which fence commits. */
	Map<TopicPartition, String> storedOwners(String groupId) {
		Map<TopicPartition, String> owners = new HashMap<>();
		this.jdbc.sql("SELECT topic, partition_index, owner_member_id FROM group_partitions"
				+ " WHERE group_id = ? AND owner_member_id IS NOT NULL")
			.param(groupId)
			.query(rs -> {
				owners.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getString(3));
			});
		return owners;
	}

	/** Owners as the coordinator describes them; fails the test if a partition has two. */
	Map<TopicPartition, String> describedOwners(GroupDescription description) {
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
		FetchService fetch = new FetchService(this.topics, new FetchLimits(10_000, 8 << 20, 30_000, 100), Runnable::run,
				this.time, this.meters);
		GroupCoordinator restarted = new GroupCoordinator(this.topics, fetch, this.store, this.time, Runnable::run,
				new SimpleMeterRegistry());
		restarted.restore();
		return restarted;
	}

	@Override
	public void close() {
		this.coordinator.close();
		this.topics.close();
		this.writer.close();
	}


}
