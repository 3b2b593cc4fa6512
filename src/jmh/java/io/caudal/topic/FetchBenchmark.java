package io.caudal.topic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.caudal.budget.ByteBudget;
import io.caudal.log.LogWriter;
import io.caudal.log.OpenFiles;
import io.caudal.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The read path of an HTTP fetch above the engine, as clients meet it: a read of 1,000 records of 100 bytes through
 * the door ({@link FetchService} over {@link FileStorage}) from a random offset, written as the fetch answer's JSON
 * by the {@link RecordEncoder} into a discarding stream (where Tomcat's buffer would be). Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} divided by 1,000 is the allocation per record delivered. Records are JSON strings of
 * exactly 100 bytes, no key, no headers, written in batches of 100 (the page cache holds them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class FetchBenchmark {

	static final int RECORDS_PER_FETCH = 1_000;

	private static final int RECORDS = 1_000_000;

	private static final int BATCH_SIZE = 100;

	private static final TopicPartition PARTITION = new TopicPartition("bench", 0);

	private Path dir;

	private LogWriter writer;

	private FileStorage storage;

	private FetchService fetch;

	private RecordEncoder encoder;

	@Setup(Level.Trial)
	public void fill() throws IOException {
		this.dir = Files.createTempDirectory("caudal-bench-");
		DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"sa", "");
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
		this.writer = new LogWriter(1);
		this.storage = new FileStorage(this.dir, new TopicRepository(JdbcClient.create(dataSource)), Time.SYSTEM,
				this.writer, new OpenFiles(100));
		this.storage.open();
		new TopicService(this.storage, 1, 1).create(PARTITION.topic(), 1, null, Map.of("flush.ms", 3_600_000));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		this.fetch = new FetchService(this.storage, new FetchLimits(10_000, 8 << 20, 30_000, 100), Runnable::run,
				Time.SYSTEM, meters, new ByteBudget("caudal.fetch.max-buffered-bytes", 1 << 30));
		this.encoder = new RecordEncoder(meters);
		byte[] value = ("\"" + "x".repeat(98) + "\"").getBytes(StandardCharsets.UTF_8);
		long now = System.currentTimeMillis();
		for (int written = 0; written < RECORDS; written += BATCH_SIZE) {
			List<NewRecord> batch = new ArrayList<>(BATCH_SIZE);
			for (int i = 0; i < BATCH_SIZE; i++) {
				batch.add(new NewRecord(null, value, List.of(), now));
			}
			this.storage.append(PARTITION.topic(), Map.of(PARTITION.partition(), batch)).get(PARTITION.partition()).join();
		}
	}

	@Benchmark
	public long fetch1000RecordsAsJson() {
		long offset = ThreadLocalRandom.current().nextLong(RECORDS - RECORDS_PER_FETCH + 1);
		PartitionRecords records = this.fetch.read(PARTITION, offset, RECORDS_PER_FETCH, 1 << 20);
		JsonOutput out = JsonOutput.streaming(OutputStream.nullOutputStream(), 8192);
		this.encoder.write(out, records, true);
		out.flush();
		return out.size();
	}

	@TearDown(Level.Trial)
	public void close() throws IOException {
		this.storage.close();
		this.writer.close();
		try (Stream<Path> files = Files.walk(this.dir)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
