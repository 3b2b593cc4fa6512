package io.caudal.log;

import static io.caudal.log.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class LogSegmentTest {

	private static final OpenFiles FILES = new OpenFiles(64);

	private static final long BASE = 100;

	private static final int INDEX_INTERVAL = 200;

	@TempDir
	Path dir;

	private final List<LogSegment> opened = new ArrayList<>();

	private final List<StoredRecord> appended = new ArrayList<>();

	@AfterEach
	void closeSegments() {
		this.opened.forEach(LogSegment::close);
	}

	@Test
	void readOnAnEmptySegmentReturnsNothing() throws Exception {
		LogSegment segment = create();

		assertThat(read(segment, BASE, 10, 1 << 20, Long.MAX_VALUE)).isEmpty();
		assertThat(segment.nextOffset()).isEqualTo(BASE);
		assertThat(segment.maxTimestamp()).isEqualTo(-1);
	}

	@Test
	void appendedBatchesReadBackFromAnyOffset() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 20, 3, new Random(1));
		segment.publish();

		for (int i = 0; i < this.appended.size(); i++) {
			long offset = BASE + i;
			assertThat(read(segment, offset, 1000, Long.MAX_VALUE, segment.nextOffset())).as("from offset %d", offset)
				.isEqualTo(this.appended.subList(i, this.appended.size()));
		}
	}

	@Test
	void readBeforeTheFirstOffsetStartsAtTheFirstRecord() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 2, 2, new Random(2));
		segment.publish();

		assertThat(read(segment, 0, 1000, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(this.appended);
	}

	@Test
	void readAfterTheLastOffsetReturnsNothing() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 2, 2, new Random(3));
		segment.publish();

		assertThat(read(segment, segment.nextOffset(), 10, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
	}

	@Test
	void readFromAGapReturnsTheNextBatch() throws Exception {
		LogSegment segment = create();
		List<LogRecord> first = List.of(record("a", "1", 10));
		List<LogRecord> second = List.of(record("b", "2", 20), record("c", "3", 30));
		segment.append(TestRecords.batchAt(BASE, first), BASE, 10, INDEX_INTERVAL);
		// Offsets BASE+1 to BASE+4 never existed, as after compaction.
		segment.append(TestRecords.batchAt(BASE + 5, second), BASE + 6, 30, INDEX_INTERVAL);
		segment.publish();

		assertThat(read(segment, BASE + 2, 10, Long.MAX_VALUE, Long.MAX_VALUE)).extracting(StoredRecord::offset)
			.containsExactly(BASE + 5, BASE + 6);
	}

	@Test
	void readHonoursMaxRecordsMaxBytesAndTheEndOffset() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 10, 4, new Random(4));
		segment.publish();

		assertThat(read(segment, BASE, 7, Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(7);
		assertThat(read(segment, BASE, 1000, Long.MAX_VALUE, BASE + 13)).hasSize(13);
		assertThat(read(segment, BASE, 1000, 1, Long.MAX_VALUE)).as("at least one record").hasSize(1);
		long twoRecords = this.appended.get(0).sizeInBytes() + this.appended.get(1).sizeInBytes();
		assertThat(read(segment, BASE, 1000, twoRecords, Long.MAX_VALUE)).hasSize(2);
	}

	@Test
	void unpublishedBatchesAreInvisibleAndRollbackRemovesThem() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 3, 2, new Random(5));
		segment.publish();
		int publishedSize = segment.sizeInBytes();
		appendBatches(segment, 30, 2, new Random(6));

		assertThat(read(segment, BASE, 1000, Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(6);

		segment.rollback();
		segment.publish();

		assertThat(Files.size(segment.file())).isEqualTo(publishedSize);
		assertThat(segment.nextOffset()).isEqualTo(BASE + 6);
		assertThat(read(segment, BASE, 1000, Long.MAX_VALUE, Long.MAX_VALUE))
			.isEqualTo(this.appended.subList(0, 6));
	}

	@Test
	void indexesGetAnEntryAfterEveryIndexIntervalOfBytes() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 40, 2, new Random(7));
		segment.onBecomeInactive();

		long entries = Files.size(LogFiles.indexFile(this.dir, BASE)) / OffsetIndex.ENTRY_SIZE;
		assertThat(entries).isBetween(segment.pendingSizeInBytes() / (INDEX_INTERVAL + 1000L),
				(long) segment.pendingSizeInBytes() / INDEX_INTERVAL);
		assertThat(entries).isPositive();
	}

	@Test
	void loadTrustsValidIndexesAndFindsTheEnd() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 30, 3, new Random(8));
		segment.onBecomeInactive();
		segment.publish();
		byte[] index = Files.readAllBytes(LogFiles.indexFile(this.dir, BASE));
		byte[] timeIndex = Files.readAllBytes(LogFiles.timeIndexFile(this.dir, BASE));
		segment.close();

		LogSegment loaded = open();
		assertThat(loaded.load(INDEX_INTERVAL)).isTrue();

		assertThat(loaded.nextOffset()).isEqualTo(BASE + 90);
		assertThat(loaded.maxTimestamp()).isEqualTo(this.appended.stream().mapToLong(StoredRecord::timestamp).max()
			.orElseThrow());
		assertThat(Files.readAllBytes(LogFiles.indexFile(this.dir, BASE))).isEqualTo(index);
		assertThat(Files.readAllBytes(LogFiles.timeIndexFile(this.dir, BASE))).isEqualTo(timeIndex);
		assertThat(read(loaded, BASE + 45, 1000, Long.MAX_VALUE, Long.MAX_VALUE))
			.isEqualTo(this.appended.subList(45, 90));
	}

	@Test
	void loadRebuildsMissingAndGarbledIndexesIdenticalToTheWrittenOnes() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 30, 3, new Random(9));
		segment.onBecomeInactive();
		byte[] index = Files.readAllBytes(LogFiles.indexFile(this.dir, BASE));
		byte[] timeIndex = Files.readAllBytes(LogFiles.timeIndexFile(this.dir, BASE));
		segment.close();

		Files.delete(LogFiles.indexFile(this.dir, BASE));
		Files.write(LogFiles.timeIndexFile(this.dir, BASE), new byte[7]);
		assertThat(open().load(INDEX_INTERVAL)).isTrue();
		assertThat(Files.readAllBytes(LogFiles.indexFile(this.dir, BASE))).isEqualTo(index);
		assertThat(Files.readAllBytes(LogFiles.timeIndexFile(this.dir, BASE))).isEqualTo(timeIndex);
		this.opened.forEach(LogSegment::close);

		// Monotonic, well-sized, but pointing into the middle of a batch.
		ByteBuffer wrong = ByteBuffer.wrap(index.clone());
		wrong.putInt(wrong.limit() - 4, wrong.getInt(wrong.limit() - 4) + 3);
		Files.write(LogFiles.indexFile(this.dir, BASE), wrong.array());
		assertThat(open().load(INDEX_INTERVAL)).isTrue();
		assertThat(Files.readAllBytes(LogFiles.indexFile(this.dir, BASE))).isEqualTo(index);
	}

	@Test
	void recoverTruncatesGarbageWrittenIntoTheTail() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 10, 2, new Random(10));
		segment.flush();
		int size = segment.pendingSizeInBytes();
		segment.close();
		writeNonsenseToFile(LogFiles.logFile(this.dir, BASE), size, 500);

		LogSegment recovered = open();

		assertThat(recovered.recover(INDEX_INTERVAL)).isEqualTo(500);
		assertThat(Files.size(recovered.file())).isEqualTo(size);
		assertThat(read(recovered, BASE, 1000, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(this.appended);
	}

	@Test
	void recoverTruncatesAtAFlippedByteAndNothingAfterItIsRead() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 10, 2, new Random(11));
		segment.flush();
		segment.close();
		int fourthBatch = batchPosition(3);
		TestRecords.flipByte(LogFiles.logFile(this.dir, BASE), fourthBatch + 70);

		LogSegment damaged = open();
		assertThat(damaged.load(INDEX_INTERVAL)).isTrue();
		assertThatThrownBy(() -> read(damaged, BASE + 6, 10, Long.MAX_VALUE, Long.MAX_VALUE))
			.isInstanceOf(CorruptRecordException.class)
			.hasMessageContaining("position " + fourthBatch);
		assertThat(read(damaged, BASE, 6, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(this.appended.subList(0, 6));
		damaged.close();

		LogSegment recovered = open();
		assertThat(recovered.recover(INDEX_INTERVAL)).isPositive();
		assertThat(Files.size(recovered.file())).isEqualTo(fourthBatch);
		assertThat(recovered.nextOffset()).isEqualTo(BASE + 6);
	}

	@Test
	void recoverRejectsABatchWhoseOffsetsDoNotFollow() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 3, 2, new Random(12));
		segment.flush();
		int size = segment.pendingSizeInBytes();
		segment.close();
		// A valid batch, but from another life of the file: its offsets repeat earlier ones.
		TestRecords.appendToFile(LogFiles.logFile(this.dir, BASE), TestRecords.batchAt(BASE + 2,
				List.of(record("x", "y", 1))));

		LogSegment recovered = open();

		assertThat(recovered.recover(INDEX_INTERVAL)).isPositive();
		assertThat(Files.size(recovered.file())).isEqualTo(size);
	}

	@Test
	void offsetForTimestampAgreesWithAScanOfTheRecords() throws Exception {
		long seed = System.nanoTime();
		System.out.println("LogSegmentTest.offsetForTimestampAgreesWithAScanOfTheRecords seed=" + seed);
		Random random = new Random(seed);
		LogSegment segment = create();
		appendBatches(segment, 200, 4, random);
		segment.publish();

		for (int i = 0; i < 500; i++) {
			long target = 1_000 + random.nextInt(4_500);
			long expected = this.appended.stream()
				.filter(record -> record.timestamp() >= target)
				.mapToLong(StoredRecord::offset)
				.findFirst()
				.orElse(-1);
			assertThat(segment.offsetForTimestamp(target)).as("seed %d, timestamp %d", seed, target)
				.isEqualTo(expected);
		}
	}

	@Test
	void aDeletedSegmentStaysReadableUntilItsLastReaderLeaves() throws Exception {
		LogSegment segment = create();
		appendBatches(segment, 2, 2, new Random(13));
		segment.publish();

		assertThat(segment.retain()).isTrue();
		segment.closeAndDelete();

		assertThat(segment.retain()).as("no new reader").isFalse();
		assertThat(read(segment, BASE, 10, Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(4);
		assertThat(segment.file()).exists();

		segment.release();

		assertThat(segment.file()).doesNotExist();
		assertThat(LogFiles.indexFile(this.dir, BASE)).doesNotExist();
		assertThat(LogFiles.timeIndexFile(this.dir, BASE)).doesNotExist();
	}

	private LogSegment create() throws Exception {
		LogSegment segment = LogSegment.create(FILES, this.dir, BASE, "orders-2", LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
		this.opened.add(segment);
		return segment;
	}

	private LogSegment open() throws Exception {
		LogSegment segment = LogSegment.open(FILES, this.dir, BASE, "orders-2", LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
		this.opened.add(segment);
		return segment;
	}

	/** Appends batches of random records whose timestamps wander (sometimes backwards) around 1000 + 10/batch. */
	private void appendBatches(LogSegment segment, int batches, int recordsPerBatch, Random random)
			throws Exception {
		for (int b = 0; b < batches; b++) {
			long baseOffset = BASE + this.appended.size();
			List<LogRecord> records = new ArrayList<>();
			for (int i = 0; i < recordsPerBatch; i++) {
				records.add(TestRecords.randomRecord(random, 1_000 + 10L * this.appended.size() / recordsPerBatch
						+ random.nextInt(200) - 100 + ((random.nextInt(10) == 0) ? 2_000 : 0), 120));
			}
			ByteBuffer batch = TestRecords.batchAt(baseOffset, records);
			segment.append(batch, baseOffset + recordsPerBatch - 1,
					records.stream().mapToLong(LogRecord::timestamp).max().orElseThrow(), INDEX_INTERVAL);
			for (int i = 0; i < records.size(); i++) {
				this.appended.add(TestRecords.stored(baseOffset + i, records.get(i)));
			}
		}
	}

	private int batchPosition(int batch) throws Exception {
		ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(LogFiles.logFile(this.dir, BASE)));
		int position = 0;
		for (int i = 0; i < batch; i++) {
			position += RecordBatches.header(content, position).sizeInBytes();
		}
		return position;
	}

	private static void writeNonsenseToFile(Path file, long position, int size) throws Exception {
		byte[] nonsense = new byte[size];
		new Random(position).nextBytes(nonsense);
		TestRecords.appendToFile(file, ByteBuffer.wrap(nonsense));
	}

	private static List<StoredRecord> read(LogSegment segment, long offset, int maxRecords, long maxBytes,
			long endOffset) throws Exception {
		RecordCollector collector = new RecordCollector(maxRecords, maxBytes, offset, endOffset);
		segment.read(offset, collector);
		return TestRecords.records(collector.result(segment.baseOffset()));
	}

}
