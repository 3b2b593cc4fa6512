package io.caudal.group;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.caudal.offset.DatabaseClock;
import io.caudal.offset.JdbcOffsetStore;
import io.caudal.support.FakeTime;
import io.caudal.support.PostgresTestServer;
import io.caudal.support.StorageHarness;
import io.caudal.topic.FetchService;
import io.caudal.topic.TopicPartition;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * A coordinator over real parts without Spring ({@link StorageHarness}): its committed offsets and groups in the
 * same in-memory H2 as the topics. Public for the group socket's tests, which run a real coordinator behind their
 * stub sockets. {@link #shared} makes several coordinators ("nodes") instead, sharing their groups through a new
 * PostgreSQL database as nodes on a Kafka cluster do, each with its own meters; their database clock follows the
 * fake one.
 */
public final class CoordinatorHarness implements AutoCloseable {

	public final StorageHarness door;

	public final FakeTime time;

	final JdbcClient jdbc;

	public final JdbcOffsetStore store;

	public final TopicService topics;

	public final FetchService fetch;

	/** The first node. */
	public final GroupCoordinator coordinator;

	private final List<Node> nodes = new ArrayList<>();

	private final HikariDataSource sharedDatabase;

	/** One coordinator with its meters. */
	record Node(GroupCoordinator coordinator, SimpleMeterRegistry meters) {

		double expiredSessions() {
			return this.meters.get("caudal.group.sessions.expired").counter().count();
		}

	}

	public CoordinatorHarness(Path dataDir) {
		this(dataDir, 0);
	}

	private CoordinatorHarness(Path dataDir, int sharedNodes) {
		this.door = new StorageHarness(dataDir);
		this.time = this.door.time;
		this.topics = this.door.topics;
		this.fetch = this.door.fetch;
		this.sharedDatabase = (sharedNodes > 0) ? newPostgresDatabase() : null;
		DataSource database = (sharedNodes > 0) ? this.sharedDatabase : this.door.dataSource;
		this.jdbc = JdbcClient.create(database);
		DatabaseClock clock = new FakeDatabaseClock(this.jdbc, this.time);
		for (int i = 0; i < Math.max(1, sharedNodes); i++) {
			SimpleMeterRegistry meters = (i == 0) ? this.door.meters : new SimpleMeterRegistry();
			GroupCoordinator coordinator = new GroupCoordinator(this.topics, this.fetch,
					new JdbcOffsetStore(this.jdbc, new DataSourceTransactionManager(database), clock), this.time,
					Runnable::run, meters, sharedNodes > 0);
			this.topics.onDelete(coordinator::topicDeleted);
			coordinator.restore();
			this.nodes.add(new Node(coordinator, meters));
		}
		this.coordinator = this.nodes.get(0).coordinator();
		this.store = new JdbcOffsetStore(this.jdbc, new DataSourceTransactionManager(database), clock);
	}

	/** {@code nodes} coordinators sharing their groups through a new PostgreSQL database. */
	static CoordinatorHarness shared(Path dataDir, int nodes) {
		return new CoordinatorHarness(dataDir, nodes);
	}

	List<Node> nodes() {
		return this.nodes;
	}

	/** A node picked at random, as a load balancer would. */
	GroupCoordinator anyNode(Random random) {
		return this.nodes.get(random.nextInt(this.nodes.size())).coordinator();
	}

	/**
	 * The database's clock as the fake one says, for every node: the nodes' deadlines move only when the test moves
	 * time, as on a single node.
	 */
	private static final class FakeDatabaseClock extends DatabaseClock {

		private final FakeTime time;

		FakeDatabaseClock(JdbcClient jdbc, FakeTime time) {
			super(jdbc);
			this.time = time;
		}

		@Override
		public long nowMs() {
			return this.time.milliseconds();
		}

	}

	private static HikariDataSource newPostgresDatabase() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(PostgresTestServer.shared().newDatabase());
		config.setUsername(PostgresTestServer.USER);
		config.setMaximumPoolSize(12);
		HikariDataSource database = new HikariDataSource(config);
		Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
		return database;
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
		this.nodes.forEach(node -> node.coordinator().close());
		if (this.sharedDatabase != null) {
			this.sharedDatabase.close();
		}
		this.door.close();
	}


}
