package io.caudal.log;

import static io.caudal.log.TestRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LogRecordTest {

	@Test
	void sizeCountsKeyValueAndHeaderKeysInUtf8AndValues() {
		LogRecord record = new LogRecord(utf8("key"), utf8("value"),
				List.of(new Header("é", utf8("xy")), new Header("n", null)), 1);

		assertThat(LogRecord.sizeInBytes(record)).isEqualTo(3 + 5 + (2 + 2) + 1);
	}

	@Test
	void sizeOfARecordWithNoKeyNoValueNoHeadersIsZero() {
		assertThat(LogRecord.sizeInBytes(new LogRecord(null, null, null, 0))).isZero();
	}

	@Test
	void storedRecordCountsItsSizeTheSameWay() {
		StoredRecord stored = new StoredRecord(5, 1, utf8("key"), null, List.of(new Header("h", utf8("v"))));

		assertThat(stored.sizeInBytes()).isEqualTo(3 + 1 + 1);
	}

	@Test
	void equalityComparesArrayContents() {
		assertThat(new LogRecord(utf8("k"), utf8("v"), List.of(new Header("h", utf8("x"))), 3))
			.isEqualTo(new LogRecord(utf8("k"), utf8("v"), List.of(new Header("h", utf8("x"))), 3))
			.hasSameHashCodeAs(new LogRecord(utf8("k"), utf8("v"), List.of(new Header("h", utf8("x"))), 3))
			.isNotEqualTo(new LogRecord(utf8("k"), utf8("w"), List.of(new Header("h", utf8("x"))), 3));
	}

	@Test
	void rejectsNegativeTimestamps() {
		assertThatThrownBy(() -> new LogRecord(null, null, null, -1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("-1");
	}

}
