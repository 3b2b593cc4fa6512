package io.caudal.log.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.caudal.log.LogConfig;
import io.caudal.log.LogRecord;
import io.caudal.log.LogWriter;
import io.caudal.log.OpenFiles;
import io.caudal.log.PartitionLog;
import io.caudal.time.Time;

/**
 * A {@link PartitionLog} in a fresh directory under {@code java.io.tmpdir} (point it at another disk with
 * {@code -jvmArgsAppend -Djava.io.tmpdir=<dir>}), with its own single-threaded {@link LogWriter}; closing it deletes
 * the directory. Not thread-safe to open or close; the log itself is.
 */
final class TempPartition implements AutoCloseable {

	/** The size of every benchmark record's value; records have no key and no headers. */
	static final int VALUE_BYTES = 100;

	/** Long enough that no background fsync happens during a measurement. */
	private static final long NO_FSYNC_FLUSH_MS = 3_600_000;

	final PartitionLog log;

	private final Path dir;

	private final LogWriter writer;

	private TempPartition(Path dir, LogWriter writer, PartitionLog log) {
		this.dir = dir;
		this.writer = writer;
		this.log = log;
	}

	/**
	 * @param fsync true to fsync before acknowledging ({@code flushMs} 0), false to acknowledge once written
	 */
	static TempPartition open(String name, boolean fsync) throws IOException {
		Path dir = Files.createTempDirectory("caudal-bench-").resolve(name);
		LogConfig config = new LogConfig(LogConfig.defaults().segmentBytes(), LogConfig.defaults().maxMessageBytes(),
				fsync ? 0 : NO_FSYNC_FLUSH_MS, -1, -1, LogConfig.defaults().indexIntervalBytes(),
				LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
		LogWriter writer = new LogWriter(1);
		return new TempPartition(dir, writer,
				PartitionLog.open(dir, name, config, Time.SYSTEM, writer, new OpenFiles(100)));
	}

	/** {@code count} records of {@value #VALUE_BYTES} random bytes, timestamped now. */
	static List<LogRecord> records(int count, Random random) {
		long now = System.currentTimeMillis();
		List<LogRecord> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			byte[] value = new byte[VALUE_BYTES];
			random.nextBytes(value);
			records.add(new LogRecord(null, value, List.of(), now));
		}
		return records;
	}

	@Override
	public void close() throws IOException {
		this.log.close();
		this.writer.close();
		try (Stream<Path> files = Files.walk(this.dir.getParent())) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
