package io.caudal.log;

import io.caudal.support.FakeTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded randomized test of {@link PartitionLog}: random appends (some concurrent, some records without key or
 * value), rolls on small segments, reads, timestamp lookups, retention, clean and unclean reopens, torn and
 * garbage tails, damaged index files. After every step, every acknowledged record reads back identical at its
 * offset and offsets are contiguous.
 * <p>
 * An unclean stop is modelled as a killed process after its last fsync: the files are left as written, without
 * the clean-shutdown marker, with writes that were never acknowledged appended to the tail (whole batches, then
 * cut at a random byte as a crash mid-write would cut them), or random garbage. Such writes may survive recovery
 * whole or vanish; acknowledged ones (fsynced, since {@code flushMs} is 0) must all survive.
 * <p>
 * The seed is printed; rerun with {@code -Dcaudal.seed=<seed>}. Rounds: {@code -Dcaudal.rounds=<n>} (default 30).
 */
class PartitionLogPropertyTest {

	private static final long START_MS = 1_750_000_000_000L;

	@TempDir
	Path tmp;

	private LogWriter writer;

	private final List<PartitionLog> opened = new ArrayList<>();

	@BeforeEach
	void startWriter() {
		this.writer = new LogWriter(2);
	}

	@AfterEach
	void stop() {
		this.opened.forEach(PartitionLog::close);
		this.writer.close();
	}

	@Test
	void acknowledgedRecordsSurviveAppendsRollsRetentionReopensAndTornTails() throws Exception {
		long seed = Long.getLong("caudal.seed", System.nanoTime());
		int rounds = Integer.getInteger("caudal.rounds", 30);
		System.out.printf("PartitionLogPropertyTest rounds=%d seed=%d (rerun with -Dcaudal.seed=%d)%n", rounds, seed,
				seed);
		Random seeds = new Random(seed);
		for (int round = 0; round < rounds; round++) {
			long roundSeed = seeds.nextLong();
			try {
				new Round(this.tmp.resolve("round-" + round), new Random(roundSeed)).run();
			}
			catch (AssertionError | Exception ex) {
				throw new AssertionError("Round " + round + " failed (seed " + seed + ", round seed " + roundSeed
						+ "): " + ex.getMessage(), ex);
			}
		}
	}

	private final class Round {

		private final Path dir;

		private final Random random;

		private final LogConfig config;

		private final List<StoredRecord> oracle = new ArrayList<>();

		private long startOffset;

		private long clock = START_MS;

		private PartitionLog log;

		Round(Path dir, Random random) {
			this.dir = dir;
			this.random = random;
			this.config = new LogConfig(300 + random.nextInt(3_000), 1 << 20, 0, -1, -1, random.nextInt(600), LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
		}

		void run() throws Exception {
			this.log = open();
			int steps = 40 + this.random.nextInt(40);
			for (int step = 0; step < steps; step++) {
				int dice = this.random.nextInt(100);
				if (dice < 45) {
					append();
				}
				else if (dice < 55) {
					appendConcurrently();
				}
				else if (dice < 70) {
					checkRandomRead();
				}
				else if (dice < 78) {
					checkOffsetForTimestamp();
				}
				else if (dice < 84) {
					this.log.close();
					this.log = open();
				}
				else if (dice < 94) {
					stopUncleanlyAndReopen();
				}
				else {
					applyRetention();
				}
				checkEverything();
			}
			this.log.close();
		}

		private PartitionLog open() throws Exception {
			PartitionLog log = PartitionLog.open(this.dir, "orders-7", this.config, new FakeTime(START_MS),
					PartitionLogPropertyTest.this.writer, new OpenFiles(64));
			PartitionLogPropertyTest.this.opened.add(log);
			return log;
		}

		private List<LogRecord> randomBatch() {
			List<LogRecord> records = new ArrayList<>();
			int count = 1 + this.random.nextInt(this.random.nextBoolean() ? 3 : 15);
			for (int i = 0; i < count; i++) {
				// Mostly rising timestamps, sometimes a step back, as producers' clocks do.
				this.clock += this.random.nextInt(1_000);
				long timestamp = this.clock - ((this.random.nextInt(8) == 0) ? this.random.nextInt(5_000) : 0);
				records.add(TestRecords.randomRecord(this.random, Math.max(0, timestamp),
						this.random.nextBoolean() ? 40 : 400));
			}
			return records;
		}

		private void append() {
			List<LogRecord> batch = randomBatch();
			acknowledge(batch, this.log.append(batch).join());
		}

		private void appendConcurrently() {
			List<List<LogRecord>> batches = new ArrayList<>();
			List<CompletableFuture<AppendResult>> results = new ArrayList<>();
			for (int i = 1 + this.random.nextInt(10); i > 0; i--) {
				List<LogRecord> batch = randomBatch();
				batches.add(batch);
				results.add(this.log.append(batch));
			}
			for (int i = 0; i < batches.size(); i++) {
				acknowledge(batches.get(i), results.get(i).join());
			}
		}

		private void acknowledge(List<LogRecord> batch, AppendResult result) {
			assertThat(result.baseOffset()).as("offsets are contiguous").isEqualTo(endOffset());
			assertThat(result.lastOffset()).isEqualTo(result.baseOffset() + batch.size() - 1);
			for (int i = 0; i < batch.size(); i++) {
				this.oracle.add(TestRecords.stored(result.baseOffset() + i, batch.get(i)));
			}
		}

		private long endOffset() {
			return this.startOffset + this.oracle.size();
		}

		private void checkRandomRead() {
			long offset = this.startOffset + (long) this.random.nextInt(this.oracle.size() + 1);
			int maxRecords = 1 + this.random.nextInt(50);
			int maxBytes = 1 + this.random.nextInt(5_000);
			FetchResult fetched = this.log.read(offset, maxRecords, maxBytes);

			List<StoredRecord> expected = this.oracle.subList((int) (offset - this.startOffset), this.oracle.size());
			assertThat(TestRecords.records(fetched)).hasSizeLessThanOrEqualTo(maxRecords);
			assertThat(TestRecords.records(fetched)).isEqualTo(expected.subList(0, TestRecords.records(fetched).size()));
			if (!expected.isEmpty()) {
				assertThat(TestRecords.records(fetched)).as("at least one record").isNotEmpty();
				long bytes = TestRecords.records(fetched).stream().mapToLong(StoredRecord::sizeInBytes).sum();
				boolean moreFits = TestRecords.records(fetched).size() < expected.size()
						&& TestRecords.records(fetched).size() < maxRecords
						&& bytes + expected.get(TestRecords.records(fetched).size()).sizeInBytes() <= maxBytes;
				assertThat(TestRecords.records(fetched).size() == 1 || bytes <= maxBytes).as("within maxBytes").isTrue();
				assertThat(moreFits).as("stopped only at a limit").isFalse();
			}
			assertThat(fetched.nextOffset()).isEqualTo(offset + TestRecords.records(fetched).size());
			assertThatThrownBy(() -> this.log.read(endOffset() + 1, 1, 1))
				.isInstanceOf(OffsetOutOfRangeException.class);
		}

		private void checkOffsetForTimestamp() {
			for (int i = 0; i < 10; i++) {
				long target = START_MS - 1_000 + (long) (this.random.nextDouble() * (this.clock - START_MS + 3_000));
				long expected = this.oracle.stream()
					.filter(record -> record.timestamp() >= target)
					.mapToLong(StoredRecord::offset)
					.findFirst()
					.orElse(endOffset());
				assertThat(this.log.offsetForTimestamp(target)).as("timestamp %d", target).isEqualTo(expected);
			}
		}

		private void applyRetention() {
			long retentionBytes = this.random.nextInt(4 * this.config.segmentBytes());
			this.log.updateConfig(new LogConfig(this.config.segmentBytes(), this.config.maxMessageBytes(), 0, -1,
					retentionBytes, this.config.indexIntervalBytes(), LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
			this.log.deleteExpiredSegments(this.clock);
			long newStart = this.log.logStartOffset();
			assertThat(newStart).isBetween(this.startOffset, endOffset());
			this.oracle.subList(0, (int) (newStart - this.startOffset)).clear();
			this.startOffset = newStart;
			if (this.oracle.size() > 0 || newStart > 0) {
				assertThat(this.log.sizeInBytes() <= retentionBytes || segmentCount() == 1)
					.as("size %d within %d", this.log.sizeInBytes(), retentionBytes)
					.isTrue();
			}
			this.log.updateConfig(this.config);
			if (newStart > 0) {
				assertThatThrownBy(() -> this.log.read(newStart - 1, 1, 1))
					.isInstanceOf(OffsetOutOfRangeException.class);
			}
		}

		/**
		 * Leaves the files as a killed process would after its last acknowledged write, with unacknowledged writes
		 * or garbage after it, and maybe damaged index files; then reopens.
		 */
		private void stopUncleanlyAndReopen() throws Exception {
			this.log.close();
			Files.delete(LogFiles.cleanShutdownFile(this.dir));
			Path last = segmentFiles().get(segmentFiles().size() - 1);
			long acknowledgedSize = Files.size(last);
			List<StoredRecord> unacknowledged = new ArrayList<>();
			switch (this.random.nextInt(4)) {
				case 0 -> {
					// nothing beyond the acknowledged writes
				}
				case 1 -> {
					byte[] garbage = TestRecords.randomBytes(this.random, 1 + this.random.nextInt(200));
					TestRecords.appendToFile(last, ByteBuffer.wrap(garbage));
				}
				default -> {
					long offset = endOffset();
					for (int i = 1 + this.random.nextInt(3); i > 0; i--) {
						List<LogRecord> batch = randomBatch();
						TestRecords.appendToFile(last, TestRecords.batchAt(offset, batch));
						for (LogRecord record : batch) {
							unacknowledged.add(TestRecords.stored(offset++, record));
						}
					}
					long written = Files.size(last);
					if (this.random.nextBoolean()) {
						TestRecords.truncateFile(last,
								acknowledgedSize + (long) (this.random.nextDouble() * (written - acknowledgedSize)));
					}
				}
			}
			if (this.random.nextInt(3) == 0) {
				damageAnIndexFile();
			}

			this.log = open();

			long end = this.log.logEndOffset();
			assertThat(end).as("acknowledged records all survive").isGreaterThanOrEqualTo(endOffset());
			assertThat(end - endOffset()).isLessThanOrEqualTo(unacknowledged.size());
			List<StoredRecord> survivors = unacknowledged.subList(0, (int) (end - endOffset()));
			assertThat(TestRecords.records(this.log.read(endOffset(), Integer.MAX_VALUE, Integer.MAX_VALUE)))
				.as("what survives of unacknowledged writes is whole and as written")
				.isEqualTo(survivors);
			this.oracle.addAll(survivors);
		}

		private void damageAnIndexFile() throws Exception {
			List<Path> indexes;
			try (Stream<Path> files = Files.list(this.dir)) {
				indexes = files.filter(file -> file.toString().endsWith("index")).sorted().toList();
			}
			Path victim = indexes.get(this.random.nextInt(indexes.size()));
			switch (this.random.nextInt(3)) {
				case 0 -> Files.delete(victim);
				case 1 -> Files.write(victim, TestRecords.randomBytes(this.random, this.random.nextInt(40)));
				default -> TestRecords.truncateFile(victim, Math.max(0, Files.size(victim) - 3));
			}
		}

		private void checkEverything() {
			assertThat(this.log.logStartOffset()).isEqualTo(this.startOffset);
			assertThat(this.log.logEndOffset()).isEqualTo(endOffset());
			assertThat(PartitionLogTest.readAll(this.log)).isEqualTo(this.oracle);
		}

		private List<Path> segmentFiles() throws Exception {
			try (Stream<Path> files = Files.list(this.dir)) {
				return files.filter(file -> file.toString().endsWith(".log")).sorted().toList();
			}
		}

		private int segmentCount() {
			try {
				return segmentFiles().size();
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
		}

	}

}
