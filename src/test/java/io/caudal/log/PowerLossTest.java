package io.caudal.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.caudal.log.PowerLossDisk.Change;
import io.caudal.support.FakeTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that the fsyncs are where they must be: on a {@link PowerLossDisk}, which keeps nothing that was not
 * forced (files) or whose directory was not forced (creations, renames, deletions), the power is cut at random
 * changes while a partition appends, rolls, writes its indexes, recovery point and clean-shutdown marker, applies
 * retention, closes and recovers. After every cut the log must open, hold every acknowledged record ({@code flush.ms}
 * 0) at its offset unchanged unless retention had expired it, hold offsets without gaps, and hold of the
 * unacknowledged batches only whole ones, in order.
 * <p>
 * A chain of cuts runs on one disk, each recovery continuing from the last; some cuts land in the recovery itself.
 * Randomness comes from one seed, printed at the start; rerun with {@code -Dcaudal.seed=<seed>}. Cuts:
 * {@code -Dcaudal.powerloss.cuts=<n>} (default 10,000).
 */
class PowerLossTest {

	private static final Path DIR = Path.of("/power-loss/orders-0").toAbsolutePath();

	private static final int CUTS_PER_CHAIN = 25;

	/** Small segments and indexes, so that rolls and full indexes come often. */
	private static final LogConfig CONFIG = new LogConfig(1500, 1 << 20, 0, 1_000, -1, 100, 96);

	private static final int MAX_CHANGES_BEFORE_CUT = 120;

	private static final int MAX_OPERATIONS_PER_CUT = 400;

	private final Logger engineLog = (Logger) LoggerFactory.getLogger("io.caudal.log");

	private Level engineLogLevel;

	@BeforeEach
	void silenceTheEngine() {
		// Ten thousand recoveries would each log what they truncated.
		this.engineLogLevel = this.engineLog.getLevel();
		this.engineLog.setLevel(Level.OFF);
	}

	@AfterEach
	void restoreTheEngineLog() {
		this.engineLog.setLevel(this.engineLogLevel);
	}

	@Test
	void everyAcknowledgedRecordSurvivesAPowerCutAnywhere() throws Exception {
		long seed = Long.getLong("caudal.seed", System.nanoTime());
		int cuts = Integer.getInteger("caudal.powerloss.cuts", 10_000);
		System.out.println("PowerLossTest seed " + seed + " (rerun with -Dcaudal.seed=" + seed + "), " + cuts + " cuts");
		Random random = new Random(seed);
		Map<Change, Integer> cutsByChange = new EnumMap<>(Change.class);
		int recoveryCuts = 0;
		int done = 0;
		for (int chain = 0; done < cuts; chain++) {
			Chain run = new Chain(chain, random);
			for (int i = 0; i < CUTS_PER_CHAIN && done < cuts; i++, done++) {
				Change change = run.runUntilCut();
				cutsByChange.merge(change, 1, Integer::sum);
				if (run.recover()) {
					recoveryCuts++;
				}
			}
			run.close();
		}
		System.out.println("PowerLossTest cuts by change: " + cutsByChange + ", during recovery: " + recoveryCuts);
		assertThat(cutsByChange.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(cuts);
		if (cuts >= 1_000) {
			assertThat(cutsByChange).as("cuts land in every kind of change").containsKeys(Change.LOG_WRITE,
					Change.INDEX_WRITE, Change.SEGMENT_CREATE, Change.RECOVERY_POINT, Change.CLEAN_SHUTDOWN,
					Change.DELETE, Change.FSYNC, Change.DIRECTORY_FSYNC);
			assertThat(recoveryCuts).as("cuts land in recoveries").isPositive();
		}
	}

	/** One disk, cut again and again, and what is known to be on it. */
	private static final class Chain {

		private final int id;

		private final Random random;

		private final PowerLossDisk disk;

		private final FakeTime time = new FakeTime();

		/** Every record ever known durable, by offset: a deletion that a cut undid brings them back unchanged. */
		private final Map<Long, String> history = new HashMap<>();

		private final Map<Long, Long> timestamps = new HashMap<>();

		/** Batches whose append failed or was cut off: a recovery may find any prefix of them, whole. */
		private final List<List<String>> unknown = new ArrayList<>();

		private long start;

		private long end;

		/** The first offset retention could not have deleted yet. */
		private long expiredBefore;

		private int batches;

		private LogWriter writer;

		private PartitionLog log;

		Chain(int id, Random random) throws Exception {
			this.id = id;
			this.random = random;
			this.disk = new PowerLossDisk(DIR.getParent(), random);
			open();
			verify();
		}

		/** Works the log until the power goes; returns what the change it went at was doing. */
		Change runUntilCut() throws Exception {
			this.disk.cutAfter(1 + this.random.nextInt(MAX_CHANGES_BEFORE_CUT));
			for (int i = 0; i < MAX_OPERATIONS_PER_CUT && !this.disk.isDead(); i++) {
				int choice = this.random.nextInt(100);
				if (choice < 75) {
					append();
				}
				else if (choice < 88) {
					applyRetention();
				}
				else if (choice < 94) {
					this.log.close();
					if (!this.disk.isDead()) {
						this.writer.close();
						openUnlessCut();
					}
				}
				else {
					readAll();
				}
			}
			Change change = this.disk.isDead() ? this.disk.cutAt() : Change.OTHER;
			crash();
			return change;
		}

		/**
		 * Boots the disk again and opens the log, sometimes cutting the power during that recovery too.
		 * @return whether a cut landed in the recovery
		 */
		boolean recover() throws Exception {
			boolean cutDuringRecovery = false;
			if (this.random.nextInt(4) == 0) {
				this.disk.cutAfter(1 + this.random.nextInt(6));
				openUnlessCut();
				cutDuringRecovery = this.disk.isDead();
				if (cutDuringRecovery) {
					crash();
				}
				else {
					this.disk.cutAfter(-1);
				}
			}
			if (this.log == null) {
				open();
			}
			verify();
			return cutDuringRecovery;
		}

		void close() {
			this.log.close();
			this.writer.close();
		}

		private void open() throws Exception {
			this.writer = new LogWriter(1);
			this.log = null;
			this.log = PartitionLog.open(DIR, "orders-0", CONFIG, this.time, this.writer,
					new OpenFiles(this.disk.fileSystem(), 8));
		}

		private void openUnlessCut() throws Exception {
			try {
				open();
			}
			catch (Exception ex) {
				if (!this.disk.isDead()) {
					throw ex;
				}
			}
		}

		/** Abandons the log as a dead machine would, and boots the disk again. */
		private void crash() {
			this.writer.close();
			this.log = null;
			this.disk.restart();
		}

		private void append() {
			int count = 1 + this.random.nextInt(3);
			List<List<String>> sent = new ArrayList<>();
			List<CompletableFuture<AppendResult>> results = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				List<String> values = new ArrayList<>();
				List<LogRecord> records = new ArrayList<>();
				int batch = this.batches++;
				for (int r = 1 + this.random.nextInt(4); r > 0; r--) {
					String value = "c" + this.id + "-b" + batch + "-r" + values.size() + "-"
							+ "x".repeat(this.random.nextInt(200));
					values.add(value);
					records.add(new LogRecord(null, value.getBytes(StandardCharsets.UTF_8), List.of(),
							this.time.milliseconds()));
				}
				sent.add(values);
				results.add(this.log.append(records));
			}
			for (int i = 0; i < count; i++) {
				AppendResult result;
				try {
					result = results.get(i).join();
				}
				catch (RuntimeException ex) {
					assertThat(this.disk.isDead()).as("an append failed only for the power cut: %s", ex).isTrue();
					this.unknown.add(sent.get(i));
					continue;
				}
				assertThat(this.unknown).as("nothing is acknowledged after a failed append").isEmpty();
				assertThat(result.baseOffset()).isEqualTo(this.end);
				for (String value : sent.get(i)) {
					this.timestamps.put(this.end, this.time.milliseconds());
					this.history.put(this.end++, value);
				}
			}
		}

		private void applyRetention() {
			this.time.advanceMs(this.random.nextInt(400));
			long now = this.time.milliseconds();
			while (this.expiredBefore < this.end && now - this.timestamps.get(this.expiredBefore) > CONFIG.retentionMs()) {
				this.expiredBefore++;
			}
			this.log.deleteExpiredSegments(now);
		}

		private List<StoredRecord> readAll() {
			List<StoredRecord> records = new ArrayList<>();
			long offset = this.log.logStartOffset();
			long logEnd = this.log.logEndOffset();
			while (offset < logEnd) {
				List<StoredRecord> read = TestRecords.records(this.log.read(offset, 1000, 1 << 20));
				records.addAll(read);
				offset = read.get(read.size() - 1).offset() + 1;
			}
			return records;
		}

		/** Checks the log against what is known, then takes what it holds as known durable. */
		private void verify() {
			long logStart = this.log.logStartOffset();
			long logEnd = this.log.logEndOffset();
			assertThat(logStart).as("records lost at the start").isLessThanOrEqualTo(
					Math.max(this.start, this.expiredBefore));
			assertThat(logEnd).as("acknowledged records lost at the end").isGreaterThanOrEqualTo(this.end);
			List<StoredRecord> records = readAll();
			List<String> survivors = new ArrayList<>();
			long expected = logStart;
			for (StoredRecord record : records) {
				assertThat(record.offset()).as("offsets without gaps").isEqualTo(expected++);
				String value = new String(record.value(), StandardCharsets.UTF_8);
				if (record.offset() < this.end) {
					assertThat(value).as("record at offset %d", record.offset())
						.isEqualTo(this.history.get(record.offset()));
				}
				else {
					survivors.add(value);
					this.timestamps.put(record.offset(), record.timestamp());
					this.history.put(record.offset(), value);
				}
			}
			assertThat(expected).isEqualTo(logEnd);
			List<String> wholeBatches = new ArrayList<>();
			for (List<String> batch : this.unknown) {
				if (wholeBatches.size() >= survivors.size()) {
					break;
				}
				wholeBatches.addAll(batch);
			}
			assertThat(survivors).as("unacknowledged records that survived are whole batches, in order")
				.isEqualTo(wholeBatches);
			this.unknown.clear();
			this.start = logStart;
			this.end = logEnd;
			this.expiredBefore = Math.max(this.expiredBefore, logStart);
		}

	}

}
