package io.caudal.log;

import io.caudal.support.FakeTime;

import static io.caudal.log.TestRecords.record;
import static io.caudal.log.TestRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {

	private static final long NOW = 1_750_000_000_000L;

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@TempDir
	Path tmp;

	private Path dir;

	private final FakeTime time = new FakeTime(NOW);

	private final FaultyDisk disk = new FaultyDisk();

	private final List<PartitionLog> opened = new ArrayList<>();

	private LogWriter writer;

	@BeforeEach
	void startWriter() {
		this.dir = this.tmp.resolve("orders-2");
		this.writer = new LogWriter(2);
	}

	@AfterEach
	void stop() {
		this.disk.openForceGate();
		this.opened.forEach(PartitionLog::close);
		this.writer.close();
	}

	// Appending and reading

	@Test
	void appendedRecordsReadBackWithKeysValuesHeadersAndNulls() throws Exception {
		PartitionLog log = open(config(1 << 20));
		List<LogRecord> records = List.of(
				record("user-42", "{\"amount\":10}", NOW, new Header("source", utf8("web")), new Header("n", null)),
				new LogRecord(null, utf8("no key"), null, NOW + 1), new LogRecord(utf8("gone"), null, null, NOW + 2),
				new LogRecord(new byte[0], new byte[0], List.of(new Header("", new byte[0])), NOW + 3));

		AppendResult result = log.append(records).join();

		assertThat(result).isEqualTo(new AppendResult(0, 3));
		FetchResult fetched = log.read(0, 100, 1 << 20);
		assertThat(TestRecords.records(fetched)).containsExactly(TestRecords.stored(0, records.get(0)),
				TestRecords.stored(1, records.get(1)), TestRecords.stored(2, records.get(2)),
				TestRecords.stored(3, records.get(3)));
		assertThat(fetched.nextOffset()).isEqualTo(4);
		assertThat(fetched.logStartOffset()).isZero();
		assertThat(fetched.logEndOffset()).isEqualTo(4);
	}

	@Test
	void taggedBatchesAreFoundAgainAcrossSegmentsAfterAReopen() throws Exception {
		PartitionLog log = open(config(600));
		BatchTag first = new BatchTag(42, (short) 3, 7);
		BatchTag second = new BatchTag(Long.MAX_VALUE, (short) 1, Integer.MAX_VALUE);
		log.append(TestRecords.records("plain", 2, NOW)).join();
		log.prepareAppend(TestRecords.records("tagged", 3, NOW), first).commit().join();
		log.append(TestRecords.records("plain", 5, NOW)).join();
		log.prepareAppend(TestRecords.records("tagged", 1, NOW), second).commit().join();
		log.close();

		PartitionLog reopened = open(config(600));
		assertThat(reopened.taggedBatches(0)).containsExactly(new TaggedBatch(first, 2, 3),
				new TaggedBatch(second, 10, 1));
		assertThat(reopened.taggedBatches(Long.MAX_VALUE)).as("no segment written since").isEmpty();
	}

	@Test
	void offsetsAreContiguousAcrossAppends() throws Exception {
		PartitionLog log = open(config(1 << 20));

		assertThat(log.append(TestRecords.records("a", 3, NOW)).join()).isEqualTo(new AppendResult(0, 2));
		assertThat(log.append(TestRecords.records("b", 1, NOW)).join()).isEqualTo(new AppendResult(3, 3));
		assertThat(log.append(TestRecords.records("c", 5, NOW)).join()).isEqualTo(new AppendResult(4, 8));
		assertThat(log.logEndOffset()).isEqualTo(9);
		assertThat(log.sizeInBytes()).isEqualTo(Files.size(LogFiles.logFile(this.dir, 0)));
	}

	@Test
	void readOnAnEmptyLogReturnsNothing() throws Exception {
		PartitionLog log = open(config(1 << 20));

		assertThat(log.read(0, 10, 1000)).isEqualTo(FetchResult.empty(0, 0, 0));
		assertThatThrownBy(() -> log.read(1, 10, 1000)).isInstanceOf(OffsetOutOfRangeException.class);
	}

	@Test
	void readAtTheEndOffsetReturnsNothing() throws Exception {
		PartitionLog log = open(config(1 << 20));
		log.append(TestRecords.records("v", 3, NOW)).join();

		assertThat(log.read(3, 10, 1000)).isEqualTo(FetchResult.empty(3, 0, 3));
	}

	@Test
	void readOutsideTheLogThrowsOffsetOutOfRangeWithBothBounds() throws Exception {
		PartitionLog log = open(config(1 << 20));
		log.append(TestRecords.records("v", 3, NOW)).join();

		for (long offset : new long[] { -1, 4, Long.MAX_VALUE }) {
			assertThatThrownBy(() -> log.read(offset, 10, 1000)).isInstanceOfSatisfying(
					OffsetOutOfRangeException.class, ex -> {
						assertThat(ex.offset()).isEqualTo(offset);
						assertThat(ex.logStartOffset()).isZero();
						assertThat(ex.logEndOffset()).isEqualTo(3);
						assertThat(ex).hasMessageContaining("orders-2").hasMessageContaining("[0, 3]");
					});
		}
	}

	@Test
	void readFromTheMiddleOfABatchSkipsItsEarlierRecords() throws Exception {
		PartitionLog log = open(config(1 << 20));
		List<LogRecord> records = TestRecords.records("v", 5, NOW);
		log.append(records).join();

		assertThat(TestRecords.records(log.read(3, 10, 1000))).containsExactly(TestRecords.stored(3, records.get(3)),
				TestRecords.stored(4, records.get(4)));
	}

	@Test
	void readReturnsAtMostMaxRecords() throws Exception {
		PartitionLog log = open(config(1 << 20));
		log.append(TestRecords.records("v", 10, NOW)).join();
		log.append(TestRecords.records("w", 10, NOW)).join();

		FetchResult fetched = log.read(2, 12, 1 << 20);

		assertThat(TestRecords.records(fetched)).extracting(StoredRecord::offset).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L,
				9L, 10L, 11L, 12L, 13L);
		assertThat(fetched.nextOffset()).isEqualTo(14);
	}

	@Test
	void readStopsAtMaxBytesButReturnsAtLeastOneRecord() throws Exception {
		PartitionLog log = open(config(1 << 20));
		byte[] big = new byte[5_000];
		log.append(List.of(new LogRecord(null, big, null, NOW), new LogRecord(null, big, null, NOW))).join();
		log.append(List.of(new LogRecord(null, new byte[10], null, NOW))).join();

		assertThat(TestRecords.records(log.read(0, 10, 100))).extracting(StoredRecord::offset).containsExactly(0L);
		assertThat(TestRecords.records(log.read(0, 10, 10_000))).extracting(StoredRecord::offset).containsExactly(0L, 1L);
		assertThat(TestRecords.records(log.read(1, 10, 5_010))).extracting(StoredRecord::offset).containsExactly(1L, 2L);
	}

	@Test
	void readRejectsLimitsBelowOne() throws Exception {
		PartitionLog log = open(config(1 << 20));

		assertThatThrownBy(() -> log.read(0, 0, 100)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> log.read(0, 10, 0)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void anEmptyAppendIsRejected() throws Exception {
		PartitionLog log = open(config(1 << 20));

		assertThatThrownBy(() -> log.append(List.of())).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aRecordOverMaxMessageBytesIsRefusedAndNothingIsWritten() throws Exception {
		PartitionLog log = open(new LogConfig(1 << 20, 100, 0, -1, -1, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		List<LogRecord> records = List.of(record("k", "small", NOW),
				new LogRecord(utf8("k"), new byte[90], List.of(new Header("hh", new byte[8])), NOW));

		assertThatThrownBy(() -> log.append(records)).isInstanceOfSatisfying(RecordTooLargeException.class, ex -> {
			assertThat(ex.recordIndex()).isEqualTo(1);
			assertThat(ex.recordBytes()).isEqualTo(101);
			assertThat(ex.maxMessageBytes()).isEqualTo(100);
		});
		assertThat(log.logEndOffset()).isZero();
		assertThat(Files.size(LogFiles.logFile(this.dir, 0))).isZero();
		assertThat(log.append(List.of(new LogRecord(utf8("k"), new byte[89], List.of(new Header("hh", new byte[8])),
				NOW))).join()).isEqualTo(new AppendResult(0, 0));
	}

	// Segments

	@Test
	void segmentsRollBeforeABatchWouldCrossSegmentBytesAndReadsSpanThem() throws Exception {
		PartitionLog log = open(config(2_000));
		List<StoredRecord> written = appendRandomBatches(log, 60, new Random(1));

		List<Path> segments = logFiles();
		assertThat(segments).hasSizeGreaterThan(3);
		for (Path segment : segments) {
			assertThat(segment.getFileName().toString()).matches("\\d{20}\\.log");
			assertThat(Files.size(segment)).isLessThanOrEqualTo(2_000);
		}
		assertThat(readAll(log)).isEqualTo(written);
		FetchResult spanning = log.read(5, 1_000, Integer.MAX_VALUE);
		assertThat(TestRecords.records(spanning)).isEqualTo(written.subList(5, written.size()));
	}

	@Test
	void aBatchLargerThanSegmentBytesGetsASegmentOfItsOwn() throws Exception {
		PartitionLog log = open(config(1_000));
		log.append(TestRecords.records("a", 1, NOW)).join();
		log.append(List.of(new LogRecord(null, new byte[3_000], null, NOW))).join();
		log.append(TestRecords.records("c", 1, NOW)).join();

		assertThat(logFiles()).extracting(path -> path.getFileName().toString()).containsExactly(
				"00000000000000000000.log", "00000000000000000001.log", "00000000000000000002.log");
		assertThat(readAll(log)).extracting(StoredRecord::offset).containsExactly(0L, 1L, 2L);
	}

	@Test
	void aSegmentRollsWhenAnIndexIsFullSoNoIndexOutgrowsItsBound() throws Exception {
		// 96 bytes hold 8 time index entries; with an entry after every batch, a segment holds about 8 batches.
		PartitionLog log = open(new LogConfig(1 << 20, 1 << 20, 0, -1, -1, 0, 96));
		List<StoredRecord> written = new ArrayList<>();
		for (int batch = 0; batch < 40; batch++) {
			LogRecord record = record("k", "v" + batch, NOW + batch);
			written.add(TestRecords.stored(log.append(List.of(record)).join().baseOffset(), record));
		}

		assertThat(logFiles()).hasSizeGreaterThanOrEqualTo(5);
		try (var files = Files.list(this.dir)) {
			assertThat(files.filter(file -> file.toString().endsWith("index"))).allSatisfy(
					index -> assertThat(Files.size(index)).isLessThanOrEqualTo(96));
		}
		assertThat(readAll(log)).isEqualTo(written);
		for (int batch = 0; batch < 40; batch++) {
			assertThat(log.offsetForTimestamp(NOW + batch)).isEqualTo(batch);
			assertThat(TestRecords.records(log.read(batch, 1, 1 << 20))).containsExactly(written.get(batch));
		}
	}

	@Test
	void aPartitionOfManySegmentsServesEveryReadWithOnlyAFewFilesOpen() throws Exception {
		OpenFiles files = new OpenFiles(4);
		PartitionLog log = PartitionLog.open(this.dir, "orders-2", config(600), this.time, this.writer, files);
		this.opened.add(log);
		List<StoredRecord> written = appendRandomBatches(log, 80, new Random(11));
		assertThat(logFiles()).hasSizeGreaterThan(10);
		log.close();

		PartitionLog reopened = PartitionLog.open(this.dir, "orders-2", config(600), this.time, this.writer, files);
		this.opened.add(reopened);
		assertThat(files.openCount()).isLessThanOrEqualTo(4);
		assertThat(readAll(reopened)).isEqualTo(written);
		Random random = new Random(12);
		for (int i = 0; i < 50; i++) {
			int from = random.nextInt(written.size());
			assertThat(TestRecords.records(reopened.read(from, 3, 1 << 20)).get(0)).isEqualTo(written.get(from));
			assertThat(files.openCount()).isLessThanOrEqualTo(4);
		}
	}

	@Test
	void updateConfigChangesWhereTheLogRolls() throws Exception {
		PartitionLog log = open(config(1 << 20));
		appendRandomBatches(log, 10, new Random(2));
		assertThat(logFiles()).hasSize(1);

		log.updateConfig(config(500));
		appendRandomBatches(log, 10, new Random(3));

		assertThat(logFiles()).hasSizeGreaterThan(2);
	}

	// Timestamps

	@Test
	void offsetForTimestampFindsTheFirstRecordAtOrAfterTheTimestamp() throws Exception {
		PartitionLog log = open(config(1 << 20));
		log.append(List.of(record("a", "0", 100), record("b", "1", 300))).join();
		log.append(List.of(record("c", "2", 200))).join();
		log.append(List.of(record("d", "3", 400), record("e", "4", 250))).join();

		assertThat(log.offsetForTimestamp(0)).isZero();
		assertThat(log.offsetForTimestamp(100)).isZero();
		assertThat(log.offsetForTimestamp(101)).isEqualTo(1);
		assertThat(log.offsetForTimestamp(300)).isEqualTo(1);
		assertThat(log.offsetForTimestamp(301)).isEqualTo(3);
		assertThat(log.offsetForTimestamp(400)).isEqualTo(3);
		assertThat(log.offsetForTimestamp(401)).isEqualTo(5);
	}

	@Test
	void offsetForTimestampAgreesWithAScanAcrossSegmentsAndReopens() throws Exception {
		long seed = System.nanoTime();
		System.out.println("PartitionLogTest.offsetForTimestampAgreesWithAScanAcrossSegmentsAndReopens seed=" + seed);
		Random random = new Random(seed);
		PartitionLog log = open(new LogConfig(3_000, 1 << 20, 0, -1, -1, 300, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		List<StoredRecord> written = appendRandomBatches(log, 150, random);
		assertOffsetsForTimestamps(log, written, random, seed);

		log.close();
		assertOffsetsForTimestamps(open(new LogConfig(3_000, 1 << 20, 0, -1, -1, 300, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES)), written, random, seed);
	}

	// Reopening and recovery

	@Test
	void reopenAfterACleanCloseDoesNotScanTheSegments() throws Exception {
		PartitionLog log = open(config(1 << 20));
		List<StoredRecord> written = appendRandomBatches(log, 10, new Random(4));
		log.close();
		assertThat(LogFiles.cleanShutdownFile(this.dir)).exists();
		// A flipped byte in a batch body: only a scan with CRC checks would notice.
		int third = batchPositions(LogFiles.logFile(this.dir, 0)).get(2);
		int fourth = batchPositions(LogFiles.logFile(this.dir, 0)).get(3);
		TestRecords.flipByte(LogFiles.logFile(this.dir, 0), fourth - 1);

		PartitionLog reopened = open(config(1 << 20));

		assertThat(LogFiles.cleanShutdownFile(this.dir)).doesNotExist();
		assertThat(reopened.logEndOffset()).as("nothing truncated, so nothing scanned").isEqualTo(written.size());
		long thirdBase = offsetAt(third);
		assertThatThrownBy(() -> reopened.read(thirdBase, 100, 1 << 20)).isInstanceOf(CorruptRecordException.class);
	}

	@Test
	void reopenWithoutCloseRecoversEverythingAcknowledged() throws Exception {
		PartitionLog crashed = PartitionLog.open(this.dir, "orders-2", config(1_500), this.time, this.writer, new OpenFiles(64));
		List<StoredRecord> written = appendRandomBatches(crashed, 30, new Random(5));
		// The crashed instance is abandoned as a killed process would be: no close, no marker.

		PartitionLog recovered = open(config(1_500));

		assertThat(recovered.logEndOffset()).isEqualTo(written.size());
		assertThat(readAll(recovered)).isEqualTo(written);
		assertThat(recovered.append(TestRecords.records("after", 2, NOW)).join().baseOffset())
			.isEqualTo(written.size());
	}

	@Test
	void recoveryCutsGarbageAppendedToTheTail() throws Exception {
		List<StoredRecord> written = writeAndStopUncleanly(config(2_000), 20);
		Path last = logFiles().get(logFiles().size() - 1);
		long size = Files.size(last);
		byte[] garbage = new byte[777];
		new Random(6).nextBytes(garbage);
		TestRecords.appendToFile(last, ByteBuffer.wrap(garbage));

		PartitionLog log = open(config(2_000));

		assertThat(Files.size(last)).isEqualTo(size);
		assertThat(readAll(log)).isEqualTo(written);
		assertThat(log.append(TestRecords.records("x", 1, NOW)).join().baseOffset()).isEqualTo(written.size());
	}

	@Test
	void recoveryCutsABatchTornInTheMiddle() throws Exception {
		List<StoredRecord> written = writeAndStopUncleanly(config(1 << 20), 10);
		Path segment = LogFiles.logFile(this.dir, 0);
		List<Integer> positions = batchPositions(segment);
		int lastBatch = positions.get(positions.size() - 1);
		long lastBatchBase = offsetAt(lastBatch);
		TestRecords.truncateFile(segment, lastBatch + 30);

		PartitionLog log = open(config(1 << 20));

		assertThat(log.logEndOffset()).isEqualTo(lastBatchBase);
		assertThat(Files.size(segment)).isEqualTo(lastBatch);
		assertThat(readAll(log)).isEqualTo(written.subList(0, (int) lastBatchBase));
	}

	@Test
	void aFlippedByteIsNeverServedAndRecoveryEndsTheLogThere() throws Exception {
		PartitionLog log = open(config(1 << 20));
		List<StoredRecord> written = appendRandomBatches(log, 10, new Random(7));
		Path segment = LogFiles.logFile(this.dir, 0);
		int fifth = batchPositions(segment).get(4);
		long fifthBase = offsetAt(fifth);
		TestRecords.flipByte(segment, fifth + 65);

		assertThatThrownBy(() -> log.read(fifthBase, 10, 1 << 20)).isInstanceOf(CorruptRecordException.class)
			.hasMessageContaining("position " + fifth);
		assertThat(TestRecords.records(log.read(0, 1_000, 1 << 20))).as("what comes before the corrupt batch")
			.isEqualTo(written.subList(0, (int) fifthBase));
		log.close();
		Files.delete(LogFiles.cleanShutdownFile(this.dir));

		PartitionLog recovered = open(config(1 << 20));

		assertThat(recovered.logEndOffset()).isEqualTo(fifthBase);
		assertThat(Files.size(segment)).isEqualTo(fifth);
		assertThat(readAll(recovered)).isEqualTo(written.subList(0, (int) fifthBase));
	}

	@Test
	void recoveryDeletesEverySegmentAfterTheOneWhereTheLogEnds() throws Exception {
		List<StoredRecord> written = writeAndStopUncleanly(config(1_500), 40);
		Files.delete(LogFiles.recoveryPointFile(this.dir));
		List<Path> segments = logFiles();
		assertThat(segments).hasSizeGreaterThan(3);
		Path second = segments.get(1);
		TestRecords.flipByte(second, Files.size(second) / 2);

		PartitionLog log = open(config(1_500));

		assertThat(logFiles()).hasSize(2);
		assertThat(log.logEndOffset()).isLessThan(written.size());
		assertThat(readAll(log)).isEqualTo(written.subList(0, (int) log.logEndOffset()));
		assertThat(LogFiles.indexFile(this.dir, LogFiles.baseOffset(segments.get(2), ".log").getAsLong()))
			.doesNotExist();
	}

	@Test
	void missingIndexFilesAreRebuiltAsTheyWereWritten() throws Exception {
		PartitionLog log = open(new LogConfig(3_000, 1 << 20, 0, -1, -1, 300, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		List<StoredRecord> written = appendRandomBatches(log, 60, new Random(8));
		log.close();
		Map<Path, byte[]> indexes = indexFiles();
		indexes.keySet().forEach(TestRecords::deleteQuietly);

		PartitionLog reopened = open(new LogConfig(3_000, 1 << 20, 0, -1, -1, 300, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));

		assertThat(readAll(reopened)).isEqualTo(written);
		reopened.close();
		assertSameContent(indexes, indexFiles());
	}

	@Test
	void garbledIndexFilesAreRebuiltAsTheyWereWritten() throws Exception {
		PartitionLog log = open(new LogConfig(3_000, 1 << 20, 0, -1, -1, 300, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		List<StoredRecord> written = appendRandomBatches(log, 60, new Random(9));
		log.close();
		Map<Path, byte[]> indexes = indexFiles();
		List<Path> files = new ArrayList<>(indexes.keySet());
		files.sort(Comparator.naturalOrder());
		Files.write(files.get(0), new byte[13]);
		Files.write(files.get(1), ByteBuffer.allocate(24).putLong(5).putInt(3).putLong(4).putInt(4).array());
		Files.write(files.get(2), ByteBuffer.allocate(8).putInt(1).putInt(1 << 30).array());

		PartitionLog reopened = open(new LogConfig(3_000, 1 << 20, 0, -1, -1, 300, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));

		assertThat(readAll(reopened)).isEqualTo(written);
		reopened.close();
		assertSameContent(indexes, indexFiles());
	}

	// Retention

	@Test
	void retentionByTimeDeletesOldSegmentsAndMovesTheStartOffset() throws Exception {
		PartitionLog log = open(new LogConfig(1_000, 1 << 20, 0, 60_000, -1, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		for (int i = 0; i < 12; i++) {
			log.append(List.of(new LogRecord(null, new byte[400], null, NOW + i * 10_000L))).join();
		}
		List<Path> before = logFiles();

		int deleted = log.deleteExpiredSegments(NOW + 125_000);

		// Segments of two records each: the first three hold timestamps up to NOW + 50s, older than 60 s.
		assertThat(deleted).isEqualTo(3);
		assertThat(log.logStartOffset()).isEqualTo(6);
		assertThat(logFiles()).isEqualTo(before.subList(3, before.size()));
		assertThatThrownBy(() -> log.read(5, 10, 1 << 20)).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
				ex -> assertThat(ex.logStartOffset()).isEqualTo(6));
		assertThat(TestRecords.records(log.read(6, 10, 1 << 20)).get(0).offset()).isEqualTo(6);
		assertThat(log.deleteExpiredSegments(NOW + 125_000)).isZero();
	}

	@Test
	void retentionByTimeRollsAndDeletesAnExpiredActiveSegment() throws Exception {
		PartitionLog log = open(new LogConfig(1 << 20, 1 << 20, 0, 60_000, -1, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		log.append(TestRecords.records("old", 5, NOW)).join();

		assertThat(log.deleteExpiredSegments(NOW + 60_001)).isEqualTo(1);

		assertThat(log.logStartOffset()).isEqualTo(5);
		assertThat(log.logEndOffset()).isEqualTo(5);
		assertThat(log.sizeInBytes()).isZero();
		assertThat(logFiles()).extracting(path -> path.getFileName().toString())
			.containsExactly("00000000000000000005.log");
		assertThat(TestRecords.records(log.read(5, 10, 100))).isEmpty();
		assertThat(log.append(TestRecords.records("new", 1, NOW)).join().baseOffset()).isEqualTo(5);
	}

	@Test
	void retentionByBytesDeletesTheOldestSegmentsDownToTheLimit() throws Exception {
		PartitionLog log = open(new LogConfig(1_000, 1 << 20, 0, -1, 2_500, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		for (int i = 0; i < 12; i++) {
			log.append(List.of(new LogRecord(null, new byte[400], null, NOW))).join();
		}
		long segmentBytes = Files.size(logFiles().get(0));

		int deleted = log.deleteExpiredSegments(NOW);

		// Six segments of two records; deleting while the log holds more than 2500 bytes leaves two.
		assertThat(3 * segmentBytes).isGreaterThan(2_500);
		assertThat(deleted).isEqualTo(4);
		assertThat(log.sizeInBytes()).isEqualTo(2 * segmentBytes);
		assertThat(log.logStartOffset()).isEqualTo(8);
		assertThat(readAll(log)).extracting(StoredRecord::offset).containsExactly(8L, 9L, 10L, 11L);
	}

	@Test
	void retentionSurvivesAReopen() throws Exception {
		PartitionLog log = open(new LogConfig(1_000, 1 << 20, 0, -1, 1_000, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		for (int i = 0; i < 8; i++) {
			log.append(List.of(new LogRecord(null, new byte[400], null, NOW))).join();
		}
		log.deleteExpiredSegments(NOW);
		long start = log.logStartOffset();
		log.close();

		PartitionLog reopened = open(new LogConfig(1_000, 1 << 20, 0, -1, 1_000, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));

		assertThat(reopened.logStartOffset()).isEqualTo(start).isPositive();
		assertThat(reopened.logEndOffset()).isEqualTo(8);
	}

	// Group commit and durability

	@Test
	void concurrentAppendsAllCompleteWithContiguousUniqueOffsets() throws Exception {
		PartitionLog log = open(config(20_000));
		int threads = 8;
		int appendsPerThread = 60;
		Map<Long, LogRecord> byOffset = new ConcurrentHashMap<>();
		ExecutorService producers = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(producers.submit(() -> {
					Random random = new Random(thread);
					List<CompletableFuture<AppendResult>> results = new ArrayList<>();
					List<List<LogRecord>> batches = new ArrayList<>();
					for (int i = 0; i < appendsPerThread; i++) {
						List<LogRecord> batch = new ArrayList<>();
						for (int r = random.nextInt(3); r >= 0; r--) {
							batch.add(record("t" + thread, "t" + thread + "-" + i + "-" + r, NOW + i));
						}
						batches.add(batch);
						results.add(log.append(batch));
					}
					for (int i = 0; i < results.size(); i++) {
						AppendResult result = results.get(i).join();
						assertThat(result.lastOffset() - result.baseOffset() + 1).isEqualTo(batches.get(i).size());
						for (int r = 0; r < batches.get(i).size(); r++) {
							assertThat(byOffset.put(result.baseOffset() + r, batches.get(i).get(r))).isNull();
						}
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		}
		finally {
			producers.shutdownNow();
		}

		assertThat(log.logEndOffset()).isEqualTo(byOffset.size());
		List<StoredRecord> all = readAll(log);
		assertThat(all).hasSize(byOffset.size());
		for (StoredRecord stored : all) {
			assertThat(stored).isEqualTo(TestRecords.stored(stored.offset(), byOffset.get(stored.offset())));
		}
	}

	@Test
	void appendsQueuedDuringAnFsyncShareTheNextOne() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		this.disk.closeForceGate();
		CompletableFuture<AppendResult> first = log.append(TestRecords.records("first", 1, NOW));
		await().atMost(PATIENCE).until(() -> this.disk.forcesWaiting.get() == 1);

		List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			queued.add(log.append(TestRecords.records("queued-" + i, 2, NOW)));
		}
		assertThat(first).isNotDone();
		assertThat(queued).noneMatch(CompletableFuture::isDone);
		this.disk.openForceGate();

		assertThat(first.join()).isEqualTo(new AppendResult(0, 0));
		for (int i = 0; i < queued.size(); i++) {
			assertThat(queued.get(i).join()).isEqualTo(new AppendResult(1 + 2 * i, 2 + 2 * i));
		}
		assertThat(this.disk.forces).hasValue(2);
	}

	@Test
	void withFlushMsZeroAnAppendIsAcknowledgedAndVisibleOnlyAfterItsFsync() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		this.disk.closeForceGate();

		CompletableFuture<AppendResult> append = log.append(TestRecords.records("v", 3, NOW));
		await().atMost(PATIENCE).until(() -> this.disk.forcesWaiting.get() == 1);

		assertThat(append).isNotDone();
		assertThat(log.logEndOffset()).isZero();
		assertThat(TestRecords.records(log.read(0, 10, 1000))).isEmpty();
		this.disk.openForceGate();
		assertThat(append.join()).isEqualTo(new AppendResult(0, 2));
		assertThat(TestRecords.records(log.read(0, 10, 1000))).hasSize(3);
	}

	@Test
	void withFlushMsAnAppendIsAcknowledgedBeforeItsFsyncWhichFollowsWithinFlushMs() throws Exception {
		PartitionLog log = openFaulty(new LogConfig(1 << 20, 1 << 20, 50, -1, -1, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
		this.disk.closeForceGate();

		AppendResult result = log.append(TestRecords.records("v", 3, NOW)).join();

		assertThat(result).isEqualTo(new AppendResult(0, 2));
		assertThat(this.disk.forces).hasValue(0);
		assertThat(TestRecords.records(log.read(0, 10, 1000))).hasSize(3);
		await().atMost(PATIENCE).until(() -> this.disk.forcesWaiting.get() == 1);
		this.disk.openForceGate();
		await().atMost(PATIENCE).until(() -> this.disk.forces.get() == 1);
	}

	// Failures

	@Test
	void aFailedFsyncFailsTheAppendPublishesNothingAndLaterWritesWorkAgain() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		List<LogRecord> good = TestRecords.records("good", 3, NOW);
		log.append(good).join();
		long goodSize = Files.size(LogFiles.logFile(this.dir, 0));

		this.disk.failForce = true;
		CompletableFuture<AppendResult> failed = log.append(TestRecords.records("lost", 4, NOW));

		assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(LogStorageException.class)
			.hasMessageContaining("Input/output error");
		assertThat(log.logEndOffset()).isEqualTo(3);
		assertThat(readAll(log)).extracting(StoredRecord::value).extracting(String::new)
			.containsExactly("good-0", "good-1", "good-2");

		this.disk.failForce = false;
		List<LogRecord> later = TestRecords.records("later", 2, NOW);
		assertThat(log.append(later).join()).isEqualTo(new AppendResult(3, 4));
		assertThat(readAll(log)).extracting(StoredRecord::value).extracting(String::new)
			.containsExactly("good-0", "good-1", "good-2", "later-0", "later-1");
		assertThat(Files.size(LogFiles.logFile(this.dir, 0))).isGreaterThan(goodSize).isEqualTo(log.sizeInBytes());
	}

	@Test
	void aPartialWriteIsCutBeforeTheNextWrite() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		log.append(TestRecords.records("good", 3, NOW)).join();
		long goodSize = Files.size(LogFiles.logFile(this.dir, 0));

		this.disk.failWrites = true;
		assertThatThrownBy(log.append(TestRecords.records("lost", 4, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class)
			.hasMessageContaining("No space left on device");
		assertThat(Files.size(LogFiles.logFile(this.dir, 0))).as("half a batch on disk").isGreaterThan(goodSize);

		this.disk.failWrites = false;
		log.append(TestRecords.records("later", 1, NOW)).join();
		log.close();
		Files.delete(LogFiles.cleanShutdownFile(this.dir));

		PartitionLog reopened = open(config(1 << 20));
		assertThat(reopened.logEndOffset()).isEqualTo(4);
		assertThat(readAll(reopened)).extracting(StoredRecord::value).extracting(String::new)
			.containsExactly("good-0", "good-1", "good-2", "later-0");
	}

	@Test
	void thePartitionRefusesWritesWhileItCannotTruncateBack() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		log.append(TestRecords.records("good", 1, NOW)).join();
		this.disk.failWrites = true;
		assertThatThrownBy(log.append(TestRecords.records("lost", 1, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class);

		this.disk.failWrites = false;
		this.disk.failTruncate = true;
		assertThatThrownBy(log.append(TestRecords.records("refused", 1, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class)
			.hasMessageContaining("refuses writes");
		assertThat(log.logEndOffset()).isEqualTo(1);

		this.disk.failTruncate = false;
		assertThat(log.append(TestRecords.records("works", 1, NOW)).join()).isEqualTo(new AppendResult(1, 1));
	}

	@Test
	void aFailedWriteDuringARollLeavesNoSegmentBehind() throws Exception {
		PartitionLog log = openFaulty(config(600));
		appendRandomBatches(log, 3, new Random(10));
		List<Path> before = logFiles();
		long end = log.logEndOffset();

		this.disk.failWrites = true;
		List<CompletableFuture<AppendResult>> failing = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			failing.add(log.append(List.of(new LogRecord(null, new byte[300], null, NOW))));
		}
		failing.forEach(future -> assertThatThrownBy(future::join).hasCauseInstanceOf(LogStorageException.class));
		this.disk.failWrites = false;

		assertThat(log.append(TestRecords.records("after", 1, NOW)).join().baseOffset()).isEqualTo(end);
		assertThat(logFiles().size()).isLessThanOrEqualTo(before.size() + 1);
		assertThat(readAll(log)).hasSize((int) end + 1);
	}

	@Test
	void closingAfterAFailedFsyncUndoesTheUnacknowledgedWrite() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		log.append(TestRecords.records("good", 2, NOW)).join();
		this.disk.failForce = true;
		assertThatThrownBy(log.append(TestRecords.records("lost", 2, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class);
		this.disk.failForce = false;

		log.close();

		assertThat(LogFiles.cleanShutdownFile(this.dir)).exists();
		PartitionLog reopened = open(config(1 << 20));
		assertThat(readAll(reopened)).extracting(StoredRecord::value).extracting(String::new)
			.containsExactly("good-0", "good-1");
	}

	@Test
	void closingWhileTheDiskStillFailsLeavesTheLogToRecovery() throws Exception {
		PartitionLog log = openFaulty(config(1 << 20));
		log.append(TestRecords.records("good", 2, NOW)).join();
		this.disk.failWrites = true;
		assertThatThrownBy(log.append(TestRecords.records("lost", 2, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class);
		this.disk.failTruncate = true;

		log.close();

		assertThat(LogFiles.cleanShutdownFile(this.dir)).doesNotExist();
		PartitionLog reopened = open(config(1 << 20));
		assertThat(readAll(reopened)).extracting(StoredRecord::value).extracting(String::new)
			.containsExactly("good-0", "good-1");
	}

	// Long polls

	@Test
	void aWaiterRunsOnTheWriterThreadOnceAnAppendMakesRecordsAvailable() throws Exception {
		PartitionLog log = open(config(1 << 20));
		log.append(TestRecords.records("v", 2, NOW)).join();
		AtomicReference<String> firedOn = new AtomicReference<>();
		AtomicInteger fired = new AtomicInteger();

		AppendWaiter waiter = log.awaitRecordsAfter(2, () -> {
			fired.incrementAndGet();
			firedOn.set(Thread.currentThread().getName());
		});
		assertThat(fired).hasValue(0);
		log.append(TestRecords.records("w", 1, NOW)).join();

		await().atMost(PATIENCE).until(() -> fired.get() == 1);
		assertThat(firedOn.get()).startsWith("caudal-log-writer-");
		log.append(TestRecords.records("x", 1, NOW)).join();
		log.append(TestRecords.records("y", 1, NOW)).join();
		assertThat(fired).as("once only").hasValue(1);
		assertThat(waiter.cancel()).isFalse();
	}

	@Test
	void aWaiterRunsAtOnceWhenRecordsAreAlreadyAvailable() throws Exception {
		PartitionLog log = open(config(1 << 20));
		log.append(TestRecords.records("v", 2, NOW)).join();
		List<String> firedOn = new CopyOnWriteArrayList<>();

		log.awaitRecordsAfter(1, () -> firedOn.add(Thread.currentThread().getName()));

		assertThat(firedOn).containsExactly(Thread.currentThread().getName());
	}

	@Test
	void aCancelledWaiterNeverRuns() throws Exception {
		PartitionLog log = open(config(1 << 20));
		AtomicInteger fired = new AtomicInteger();
		AppendWaiter waiter = log.awaitRecordsAfter(0, fired::incrementAndGet);

		assertThat(waiter.cancel()).isTrue();
		log.append(TestRecords.records("v", 1, NOW)).join();
		// The next write runs after the first one has notified its waiters.
		log.append(TestRecords.records("w", 1, NOW)).join();

		assertThat(fired).hasValue(0);
		assertThat(waiter.cancel()).isFalse();
	}

	// Lifecycle

	@Test
	void closeWritesQueuedAppendsAndLaterAppendsFail() throws Exception {
		PartitionLog log = open(config(1 << 20));
		List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			queued.add(log.append(TestRecords.records("v" + i, 1, NOW)));
		}

		log.close();
		log.close();

		queued.forEach(future -> assertThat(future).isCompleted());
		assertThat(LogFiles.cleanShutdownFile(this.dir)).exists();
		assertThatThrownBy(log.append(TestRecords.records("late", 1, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class)
			.hasMessageContaining("closed");
		assertThat(open(config(1 << 20)).logEndOffset()).isEqualTo(20);
	}

	@Test
	void deleteFilesRemovesThePartitionDirectory() throws Exception {
		PartitionLog log = open(config(500));
		appendRandomBatches(log, 10, new Random(11));

		log.deleteFiles();

		assertThat(this.dir).doesNotExist();
	}

	// Helpers

	private static LogConfig config(int segmentBytes) {
		return new LogConfig(segmentBytes, 1 << 20, 0, -1, -1, 256, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
	}

	private PartitionLog open(LogConfig config) throws Exception {
		PartitionLog log = PartitionLog.open(this.dir, "orders-2", config, this.time, this.writer, new OpenFiles(64));
		this.opened.add(log);
		return log;
	}

	private PartitionLog openFaulty(LogConfig config) throws Exception {
		PartitionLog log = PartitionLog.open(this.dir, "orders-2", config, this.time, this.writer,
				new OpenFiles(this.disk, 64));
		this.opened.add(log);
		return log;
	}

	/** Writes batches, then closes and removes the clean-shutdown marker, as if the process had died. */
	private List<StoredRecord> writeAndStopUncleanly(LogConfig config, int batches) throws Exception {
		PartitionLog log = open(config);
		List<StoredRecord> written = appendRandomBatches(log, batches, new Random(batches));
		log.close();
		Files.delete(LogFiles.cleanShutdownFile(this.dir));
		return written;
	}

	private static List<StoredRecord> appendRandomBatches(PartitionLog log, int batches, Random random) {
		List<StoredRecord> written = new ArrayList<>();
		for (int b = 0; b < batches; b++) {
			List<LogRecord> records = new ArrayList<>();
			for (int i = random.nextInt(4); i >= 0; i--) {
				records.add(TestRecords.randomRecord(random, NOW + random.nextInt(100_000), 150));
			}
			AppendResult result = log.append(records).join();
			for (int i = 0; i < records.size(); i++) {
				written.add(TestRecords.stored(result.baseOffset() + i, records.get(i)));
			}
		}
		return written;
	}

	static List<StoredRecord> readAll(PartitionLog log) {
		List<StoredRecord> all = new ArrayList<>();
		long offset = log.logStartOffset();
		while (offset < log.logEndOffset()) {
			FetchResult fetched = log.read(offset, 7, 2_000);
			assertThat(TestRecords.records(fetched)).isNotEmpty();
			all.addAll(TestRecords.records(fetched));
			offset = fetched.nextOffset();
		}
		return all;
	}

	private static void assertOffsetsForTimestamps(PartitionLog log, List<StoredRecord> written, Random random, long seed) {
		for (int i = 0; i < 300; i++) {
			long target = NOW - 10 + random.nextInt(100_020);
			long expected = written.stream()
				.filter(record -> record.timestamp() >= target)
				.mapToLong(StoredRecord::offset)
				.findFirst()
				.orElse(log.logEndOffset());
			assertThat(log.offsetForTimestamp(target)).as("seed %d, timestamp %d", seed, target).isEqualTo(expected);
		}
	}

	private List<Path> logFiles() throws Exception {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter(file -> file.toString().endsWith(".log")).sorted().toList();
		}
	}

	private Map<Path, byte[]> indexFiles() throws Exception {
		Map<Path, byte[]> contents = new HashMap<>();
		try (Stream<Path> files = Files.list(this.dir)) {
			for (Path file : files.filter(f -> f.toString().endsWith("index")).toList()) {
				contents.put(file, Files.readAllBytes(file));
			}
		}
		return contents;
	}

	private static void assertSameContent(Map<Path, byte[]> expected, Map<Path, byte[]> actual) {
		assertThat(actual.keySet()).isEqualTo(expected.keySet());
		expected.forEach((file, bytes) -> assertThat(Arrays.equals(actual.get(file), bytes))
			.as("%s rebuilt as written", file.getFileName())
			.isTrue());
	}

	private static List<Integer> batchPositions(Path segment) throws Exception {
		ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(segment));
		List<Integer> positions = new ArrayList<>();
		int position = 0;
		while (position < content.limit()) {
			positions.add(position);
			position += RecordBatches.header(content, position).sizeInBytes();
		}
		return positions;
	}

	/** The base offset of the batch at {@code position} of the first segment. */
	private long offsetAt(int position) throws Exception {
		ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(LogFiles.logFile(this.dir, 0)));
		return RecordBatches.header(content, position).baseOffset();
	}

}
