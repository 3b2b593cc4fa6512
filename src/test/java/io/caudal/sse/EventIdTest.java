package io.caudal.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventIdTest {

	@Test
	void positionsSurviveTheRoundTrip() {
		long seed = Long.getLong("caudal.seed", System.nanoTime());
		Random random = new Random(seed);
		for (int round = 0; round < 200; round++) {
			List<Long> positions = new ArrayList<>();
			for (int i = random.nextInt(50); i > 0; i--) {
				positions.add(random.nextBoolean() ? random.nextLong() & Long.MAX_VALUE : random.nextInt(1000));
			}
			assertThat(EventId.decode(EventId.encode(positions))).as("seed %d", seed).isEqualTo(positions);
		}
	}

	@Test
	void anIdIsAHeaderValueWellUnderEightKilobytesAtTheServersPartitionMaximum() {
		List<Long> close = new ArrayList<>();
		List<Long> spread = new ArrayList<>();
		Random random = new Random(1);
		for (int i = 0; i < 1000; i++) {
			close.add(3_000_000_000L + random.nextInt(16_384));
			spread.add(random.nextLong(1L << 35));
		}
		String id = EventId.encode(close);
		assertThat(id).matches("[A-Za-z0-9_-]+").hasSizeLessThanOrEqualTo(2_700);
		assertThat(EventId.encode(spread)).as("offsets anywhere below 2^35").hasSizeLessThan(6_700);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "!!", "AA", "Ag", "AQ", "AQIAAAAA", "AQL_____________AQ" })
	void anythingThisServerDidNotWriteIsRefused(String id) {
		assertThatThrownBy(() -> EventId.decode(id)).isInstanceOfSatisfying(CaudalException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
	}

}
