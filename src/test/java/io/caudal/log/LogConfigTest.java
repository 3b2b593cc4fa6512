package io.caudal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogConfigTest {

	@Test
	void defaultsAreKafkas() {
		assertThat(LogConfig.defaults())
			.isEqualTo(new LogConfig(1_073_741_824, 1_048_588, 0, 604_800_000L, -1, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES));
	}

	@Test
	void rejectsValuesOutOfBounds() {
		assertThatThrownBy(() -> new LogConfig(0, 1, 0, -1, -1, 0, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES)).hasMessageContaining("segmentBytes is 0");
		assertThatThrownBy(() -> new LogConfig(1, 1, 0, -2, -1, 0, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES)).hasMessageContaining("retentionMs is -2");
		assertThatThrownBy(() -> new LogConfig(1, 1, -1, -1, -1, 0, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES)).hasMessageContaining("flushMs is -1");
	}

}
