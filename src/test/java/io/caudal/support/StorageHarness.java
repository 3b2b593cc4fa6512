package io.caudal.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.caudal.budget.ByteBudget;
import io.caudal.log.LogWriter;
import io.caudal.log.OpenFiles;
import io.caudal.topic.FetchLimits;
import io.caudal.topic.FetchService;
import io.caudal.topic.FileStorage;
import io.caudal.topic.NewRecord;
import io.caudal.topic.RecordEncoder;
import io.caudal.topic.TopicRepository;
import io.caudal.topic.TopicService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The door to records over real parts without Spring: the file storage in a temporary directory with its topic
 * metadata in an in-memory H2 under the real migrations, the services above it, a fetch executor that answers on the
 * calling thread, and a clock that moves only when the test moves it.
 */
public final class StorageHarness implements AutoCloseable {

	public final FakeTime time = new FakeTime();

	public final DataSource dataSource;

	public final JdbcClient jdbc;

	public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	public final FileStorage storage;

	public final TopicService topics;

	public final FetchService fetch;

	public final RecordEncoder encoder = new RecordEncoder(this.meters);

	private final LogWriter writer = new LogWriter(1);

	public StorageHarness(Path dataDir) {
		this.dataSource = new DriverManagerDataSource(
				"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "");
		Flyway.configure().dataSource(this.dataSource).locations("classpath:db/migration").load().migrate();
		this.jdbc = JdbcClient.create(this.dataSource);
		this.storage = new FileStorage(dataDir, new TopicRepository(this.jdbc), this.time, this.writer,
				new OpenFiles(100));
		this.storage.open();
		this.topics = new TopicService(this.storage, 100, 1000);
		this.fetch = new FetchService(this.storage, new FetchLimits(10_000, 8 << 20, 30_000, 100), Runnable::run,
				this.time, this.meters, new ByteBudget("caudal.fetch.max-buffered-bytes", 1 << 30));
	}

	public void createTopic(String name, int partitions) {
		this.topics.create(name, partitions, null, Map.of());
	}

	/** Appends one batch of records with the given values, each UTF-8, no key, stamped with the clock. */
	public void append(String topic, int partition, String... values) {
		List<NewRecord> records = new ArrayList<>();
		for (String value : values) {
			records.add(new NewRecord(null, value.getBytes(StandardCharsets.UTF_8), List.of(), this.time.milliseconds()));
		}
		this.storage.append(topic, Map.of(partition, records)).get(partition).join();
	}

	@Override
	public void close() {
		this.storage.close();
		this.writer.close();
	}

}
