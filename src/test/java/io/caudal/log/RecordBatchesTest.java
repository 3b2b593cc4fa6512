package io.caudal.log;

import static io.caudal.log.TestRecords.record;
import static io.caudal.log.TestRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordBatchesTest {

	private final List<LogRecord> records = List.of(
			record("user-42", "{\"amount\":10}", 1_000, new Header("source", utf8("web")), new Header("empty", null)),
			new LogRecord(null, utf8("no key"), null, 1_005),
			new LogRecord(utf8("gone"), null, List.of(), 999));

	@Test
	void buildsOneBatchThatReadsBackWithTheAssignedOffsets() {
		ByteBuffer batch = TestRecords.batchAt(42, this.records);

		RecordBatches.ensureValid(batch);
		List<StoredRecord> read = TestRecords
			.records(new FetchResult(List.of(batch), 42, 45, 3, 0, batch.remaining(), 42, 45));

		assertThat(read).containsExactly(TestRecords.stored(42, this.records.get(0)),
				TestRecords.stored(43, this.records.get(1)), TestRecords.stored(44, this.records.get(2)));
	}

	@Test
	void headerDescribesTheBatchWithoutDecodingIt() {
		ByteBuffer batch = TestRecords.batchAt(7, this.records);

		RecordBatches.BatchHeader header = RecordBatches.header(batch, 0);

		assertThat(header).isEqualTo(new RecordBatches.BatchHeader(7, 9, batch.remaining(), 1_005, null));
	}

	@Test
	void aTagTravelsInTheProducerFieldsAndKeepsTheBatchValid() {
		BatchTag tag = new BatchTag(Long.MAX_VALUE, (short) 4, 123_456);
		RecordBatches.Batch batch = RecordBatches.build(this.records, tag);
		RecordBatches.assignOffsets(batch.buffer(), 50);

		RecordBatches.ensureValid(batch.buffer());
		assertThat(RecordBatches.header(batch.buffer(), 0).tag()).isEqualTo(tag);
	}

	@Test
	void buildReportsCountAndLargestTimestamp() {
		RecordBatches.Batch batch = RecordBatches.build(this.records, null);

		assertThat(batch.recordCount()).isEqualTo(3);
		assertThat(batch.maxTimestamp()).isEqualTo(1_005);
		assertThat(RecordBatches.header(batch.buffer(), 0).baseOffset()).isZero();
	}

	@Test
	void assigningOffsetsKeepsTheCrcValid() {
		RecordBatches.Batch batch = RecordBatches.build(this.records, null);
		int crc = batch.buffer().getInt(17);

		RecordBatches.assignOffsets(batch.buffer(), 1L << 40);

		assertThat(batch.buffer().getInt(17)).isEqualTo(crc);
		RecordBatches.ensureValid(batch.buffer());
		assertThat(RecordBatches.header(batch.buffer(), 0).lastOffset()).isEqualTo((1L << 40) + 2);
	}

	@Test
	void ensureValidRejectsAFlippedByte() {
		ByteBuffer batch = TestRecords.batchAt(0, this.records);
		int position = batch.remaining() - 3;
		batch.put(position, (byte) ~batch.get(position));

		assertThatThrownBy(() -> RecordBatches.ensureValid(batch)).isInstanceOf(CorruptRecordException.class);
	}

	@ParameterizedTest
	@CsvSource({ "16, 1, magic", "16, 0, magic", "8, -1, length", "8, 48, length", "23, -1, delta" })
	void headerRejectsBrokenFraming(int index, int value, String reason) {
		ByteBuffer batch = TestRecords.batchAt(0, this.records);
		if (index == 16) {
			batch.put(index, (byte) value);
		}
		else {
			batch.putInt(index, value);
		}

		assertThatThrownBy(() -> RecordBatches.header(batch, 0)).isInstanceOf(CorruptRecordException.class)
			.hasMessageContaining(reason);
	}

	@Test
	void theSmallestBatchHeaderIsKafkasOverhead() {
		assertThat(RecordBatches.HEADER_SIZE).isEqualTo(61);
	}

}
