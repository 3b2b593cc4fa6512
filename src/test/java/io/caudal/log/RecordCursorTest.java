package io.caudal.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The zero-allocation record walker, checked against kafka-clients' own record iterator. */
class RecordCursorTest {

	@Test
	void walksEveryFieldAsKafkasIteratorDecodesIt() {
		long seed = Long.getLong("caudal.seed", System.nanoTime());
		Random random = new Random(seed);
		List<ByteBuffer> batches = new ArrayList<>();
		long offset = 100;
		for (int b = 0; b < 50; b++) {
			List<LogRecord> records = new ArrayList<>();
			for (int i = 1 + random.nextInt(20); i > 0; i--) {
				records.add(TestRecords.randomRecord(random, 1_764_000_000_000L + random.nextInt(100_000), 300));
			}
			batches.add(TestRecords.batchAt(offset, records));
			offset += records.size();
		}
		RecordCursor cursor = new RecordCursor(batches, 100, offset);
		int seen = 0;
		for (ByteBuffer batch : batches) {
			RecordBatch kafkaBatch = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator().next();
			Iterator<Record> expected = kafkaBatch.iterator();
			while (expected.hasNext()) {
				Record record = expected.next();
				assertThat(cursor.next()).as("seed %d: a record at offset %d", seed, record.offset()).isTrue();
				assertThat(cursor.offset()).as("seed %d", seed).isEqualTo(record.offset());
				assertThat(cursor.timestamp()).isEqualTo(record.timestamp());
				assertThat(bytes(cursor.buffer(), cursor.keyPosition(), cursor.keyLength()))
					.isEqualTo(record.hasKey() ? bytes(record.key()) : null);
				assertThat(bytes(cursor.buffer(), cursor.valuePosition(), cursor.valueLength()))
					.isEqualTo(record.hasValue() ? bytes(record.value()) : null);
				assertThat(cursor.headerCount()).isEqualTo(record.headers().length);
				for (int h = 0; h < cursor.headerCount(); h++) {
					assertThat(new String(bytes(cursor.buffer(), cursor.headerKeyPosition(h),
							cursor.headerKeyLength(h)), StandardCharsets.UTF_8))
						.isEqualTo(record.headers()[h].key());
					assertThat(bytes(cursor.buffer(), cursor.headerValuePosition(h), cursor.headerValueLength(h)))
						.isEqualTo(record.headers()[h].value());
				}
				seen++;
			}
		}
		assertThat(cursor.next()).isFalse();
		assertThat(seen).isEqualTo((int) (offset - 100));
	}

	@Test
	void skipsRecordsBeforeTheFirstOffsetAndStopsAtTheLast() {
		ByteBuffer batch = TestRecords.batchAt(10, TestRecords.records("v", 5, 1));
		RecordCursor cursor = new RecordCursor(List.of(batch), 12, 14);
		List<Long> offsets = new ArrayList<>();
		while (cursor.next()) {
			offsets.add(cursor.offset());
		}
		assertThat(offsets).containsExactly(12L, 13L);
	}

	@Test
	void sizeCountsKeyValueAndHeadersAsMaxBytesDoes() {
		LogRecord record = TestRecords.record("key", "value", 1, new Header("h", TestRecords.utf8("vv")),
				new Header("none", null));
		RecordCursor cursor = new RecordCursor(List.of(TestRecords.batchAt(0, List.of(record))), 0, 1);
		assertThat(cursor.next()).isTrue();
		assertThat(cursor.sizeInBytes()).isEqualTo(LogRecord.sizeInBytes(record)).isEqualTo(3 + 5 + 1 + 2 + 4);
	}

	@Test
	void aRecordLongerThanItsBatchIsCorrupt() {
		ByteBuffer batch = TestRecords.batchAt(0, TestRecords.records("v", 1, 1));
		// The first record's length varint sits right after the 61-byte header; claim far more than is there.
		batch.put(RecordBatches.HEADER_SIZE, (byte) 0x7E);
		RecordCursor cursor = new RecordCursor(List.of(batch), 0, 1);
		assertThatThrownBy(cursor::next).isInstanceOf(CorruptRecordException.class);
	}

	private static byte[] bytes(ByteBuffer buffer, int position, int length) {
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		buffer.get(position, bytes);
		return bytes;
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

}
