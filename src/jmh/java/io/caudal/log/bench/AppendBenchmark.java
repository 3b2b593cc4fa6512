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

/**
 * Appends of one batch by one producer, waiting for each acknowledgement: batches of 1, 100 and 1000 records of
 * 100 bytes, with fsync before acknowledging ({@code flushMs} 0, the default) and without. Throughput is in
 * appends (batches) per second; multiply by {@code batchSize} for records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class AppendBenchmark {

	@Param({ "1", "100", "1000" })
	int batchSize;

	@Param({ "true", "false" })
	boolean fsync;

	private TempPartition partition;

	private List<LogRecord> batch;

	@Setup(Level.Trial)
	public void open() throws IOException {
		this.partition = TempPartition.open("append-0", this.fsync);
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
