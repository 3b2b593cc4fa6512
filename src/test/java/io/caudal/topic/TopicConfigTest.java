package io.caudal.topic;

import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.LogConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicConfigTest {

	@Test
	void effectiveConfigShowsDefaultsUnderOverrides() {
		TopicConfig config = TopicConfig.empty().with(Map.of("retention.ms", 1000, "segment.bytes", "2097152"));
		assertThat(config.overrides()).containsEntry("retention.ms", "1000").containsEntry("segment.bytes", "2097152");
		assertThat(config.effective()).containsEntry("retention.ms", 1000L)
			.containsEntry("segment.bytes", 2097152L)
			.containsEntry("cleanup.policy", "delete")
			.containsEntry("flush.ms", 0L);
	}

	@Test
	void logConfigCarriesEverySetting() {
		TopicConfig config = TopicConfig.empty()
			.with(Map.of("retention.ms", 5000, "retention.bytes", 1_000_000, "segment.bytes", 4194304,
					"max.message.bytes", 100, "flush.ms", 20, "index.interval.bytes", 512, "segment.index.bytes", 2048));
		assertThat(config.logConfig()).isEqualTo(new LogConfig(4194304, 100, 20, 5000, 1_000_000, 512, 2048));
	}

	@Test
	void anEnginesSettingsStandInForCaudalsDefaults() {
		TopicConfig config = TopicConfig.reportedByEngine(Map.of("flush.ms", "9223372036854775807",
				"min.insync.replicas", "2", "retention.ms", "1000", "cleanup.policy", "compact",
				"compression.type", "producer", "max.message.bytes", "not a number"), Map.of("retention.ms", "1000"));
		assertThat(config.effective()).containsEntry("flush.ms", Long.MAX_VALUE)
			.containsEntry("min.insync.replicas", 2L)
			.containsEntry("retention.ms", 1000L)
			.containsEntry("cleanup.policy", "compact")
			.containsEntry("max.message.bytes", 1048588L)
			.doesNotContainKey("compression.type");
		assertThat(config.overrides()).containsExactly(Map.entry("retention.ms", "1000"));
		assertThat(config.minInsyncReplicas()).isEqualTo(2);
		TopicConfig changed = config.with(Map.of("segment.bytes", 2097152));
		assertThat(changed.effective()).containsEntry("flush.ms", Long.MAX_VALUE).containsEntry("segment.bytes", 2097152L);
		assertThat(changed.overrides()).containsOnlyKeys("retention.ms", "segment.bytes");
	}

	@Test
	void defaultsMatchTheEngine() {
		assertThat(TopicConfig.empty().logConfig()).isEqualTo(LogConfig.defaults());
	}

	@Test
	void timestampWindowHasKafkasDefaults() {
		assertThat(TopicConfig.empty().timestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
		assertThat(TopicConfig.empty().timestampAfterMaxMs()).isEqualTo(3_600_000);
		TopicConfig config = TopicConfig.empty()
			.with(Map.of("message.timestamp.before.max.ms", 60_000, "message.timestamp.after.max.ms", "1000"));
		assertThat(config.timestampBeforeMaxMs()).isEqualTo(60_000);
		assertThat(config.timestampAfterMaxMs()).isEqualTo(1000);
	}

	@Test
	void laterSettingsReplaceEarlierOnes() {
		TopicConfig config = TopicConfig.empty().with(Map.of("flush.ms", 5)).with(Map.of("flush.ms", 7));
		assertThat(config.overrides()).containsEntry("flush.ms", "7");
	}

	@Test
	void refusesUnknownKeys() {
		assertInvalid(Map.of("retention.hours", 3), "Unknown configuration key 'retention.hours'");
	}

	@Test
	void refusesValuesOutOfRange() {
		assertInvalid(Map.of("retention.ms", -2), "between -1");
		assertInvalid(Map.of("segment.bytes", 10), "between 1048576");
		assertInvalid(Map.of("flush.ms", -1), "between 0");
		assertInvalid(Map.of("max.message.bytes", 0), "between 1");
		assertInvalid(Map.of("segment.bytes", "99999999999999999999999"), "between 1048576");
		assertInvalid(Map.of("segment.index.bytes", 1023), "between 1024");
		assertInvalid(Map.of("message.timestamp.after.max.ms", -1), "between 0");
	}

	@Test
	void refusesValuesOfTheWrongType() {
		assertInvalid(Map.of("retention.ms", 1.5), "whole number");
		assertInvalid(Map.of("retention.ms", "soon"), "whole number");
		assertInvalid(Map.of("retention.ms", true), "whole number");
	}

	@Test
	void supportsOnlyTheDeleteCleanupPolicy() {
		assertThat(TopicConfig.empty().with(Map.of("cleanup.policy", "delete")).overrides())
			.containsEntry("cleanup.policy", "delete");
		assertInvalid(Map.of("cleanup.policy", "compact"), "compaction");
	}

	private static void assertInvalid(Map<String, Object> settings, String message) {
		assertThatThrownBy(() -> TopicConfig.empty().with(settings)).isInstanceOfSatisfying(CaudalException.class,
				ex -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
					assertThat(ex.getMessage()).contains(message);
				});
	}

}
