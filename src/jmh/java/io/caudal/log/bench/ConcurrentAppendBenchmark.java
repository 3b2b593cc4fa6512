package io.caudal.log.bench;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.caudal.log.AppendResult;
import io.caudal.log.LogRecord;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Group commit: 16 producers append to one partition with fsync before acknowledging, each waiting for its own
 * acknowledgement, so concurrent appends share fsyncs. Throughput is in appends (batches) per second over all
 * producers; compare with {@link AppendBenchmark} at {@code fsync=true}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Threads(16)
public class ConcurrentAppendBenchmark {

	@Param({ "1", "100" })
	int batchSize;

	private TempPartition partition;

	private List<LogRecord> batch;

	@Setup(Level.Trial)
	public void open() throws IOException {
		this.partition = TempPartition.open("concurrent-append-0", true);
		this.batch = TempPartition.records(this.batchSize, new Random(42));
	}

	@Benchmark
	public AppendResult append() {
		return this.partition.log.append(this.batch).join();
	}

	@TearDown(Level.Trial)
	public void close() throws IOException {
		this.partition.close();
	}

}
