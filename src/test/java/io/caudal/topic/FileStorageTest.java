package io.caudal.topic;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.support.StorageHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file engine behind the storage interface, over real files. */
class FileStorageTest {

	@TempDir
	Path dataDir;

	private StorageHarness harness;

	@BeforeEach
	void open() {
		this.harness = new StorageHarness(this.dataDir);
		this.harness.createTopic("orders", 2);
	}

	@AfterEach
	void close() {
		this.harness.close();
	}

	@Test
	void aBatchRefusedOnOnePartitionWritesNoneOfTheOthers() {
		// The limit shrank after the producer checked the request against it.
		this.harness.topics.update("orders", null, Map.of("max.message.bytes", 100));
		Map<Integer, List<NewRecord>> batches = new LinkedHashMap<>();
		batches.put(0, List.of(record("small")));
		batches.put(1, List.of(record("x".repeat(200))));

		assertThatThrownBy(() -> this.harness.storage.append("orders", batches)).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE));

		assertThat(this.harness.storage.state(new TopicPartition("orders", 0)).endOffset()).isZero();
		assertThat(this.harness.storage.state(new TopicPartition("orders", 1)).endOffset()).isZero();
		this.harness.append("orders", 0, "after");
		assertThat(this.harness.storage.state(new TopicPartition("orders", 0)).endOffset()).isEqualTo(1);
	}

	@Test
	void batchesOfSeveralPartitionsAreEachStoredWhole() {
		Map<Integer, List<NewRecord>> batches = new LinkedHashMap<>();
		batches.put(1, List.of(record("a"), record("b")));
		batches.put(0, List.of(record("c")));

		Map<Integer, Long> offsets = new LinkedHashMap<>();
		this.harness.storage.append("orders", batches)
			.forEach((partition, stored) -> offsets.put(partition, stored.join()[0]));

		assertThat(offsets).containsExactly(Map.entry(1, 0L), Map.entry(0, 0L));
		assertThat(this.harness.storage.state(new TopicPartition("orders", 1)).endOffset()).isEqualTo(2);
	}

	private NewRecord record(String value) {
		return new NewRecord(null, ("\"" + value + "\"").getBytes(StandardCharsets.UTF_8), List.of(),
				this.harness.time.milliseconds());
	}

}
