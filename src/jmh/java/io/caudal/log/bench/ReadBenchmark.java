package io.caudal.log.bench;

import java.io.IOException;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.caudal.log.FetchResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reads of {@code maxRecords} records from a random offset of a partition of 1,000,000 records of 100 bytes
 * (written in batches of 100, in the page cache), with a 1 MiB byte limit that the largest read stays under.
 * Throughput is in reads per second; multiply by {@code maxRecords} for records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class ReadBenchmark {

	private static final int RECORDS = 1_000_000;

	private static final int BATCH_SIZE = 100;

	private static final int MAX_BYTES = 1 << 20;

	@Param({ "1", "100", "1000" })
	int maxRecords;

	private TempPartition partition;

	@Setup(Level.Trial)
	public void fill() throws IOException {
		this.partition = TempPartition.open("read-0", false);
		Random random = new Random(42);
		for (int written = 0; written < RECORDS; written += BATCH_SIZE) {
			this.partition.log.append(TempPartition.records(BATCH_SIZE, random)).join();
		}
	}

	@Benchmark
	public FetchResult read() {
		long offset = ThreadLocalRandom.current().nextLong(RECORDS - this.maxRecords + 1);
		return this.partition.log.read(offset, this.maxRecords, MAX_BYTES);
	}

	@TearDown(Level.Trial)
	public void close() throws IOException {
		this.partition.close();
	}

}
