package io.caudal.topic;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionerTest {

	/** Kafka's murmur2 vectors (UtilsTest.testMurmur2), through toPositive and the modulo. */
	@ParameterizedTest
	@CsvSource({ "21, -973932308", "foobar, -790332482", "a-little-bit-long-string, -985981536",
			"a-little-bit-longer-string, -1486304829", "abc, 479470107",
			"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8, -58897971" })
	void keysLandWhereKafkasProducerPutsThem(String key, int murmur2) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		for (int partitions : new int[] { 1, 3, 7, 50, 1000 }) {
			assertThat(Partitioner.partitionForKey(bytes, partitions)).isEqualTo((murmur2 & 0x7fffffff) % partitions);
		}
	}

	@Test
	void foobarGoesToPartition16Of50() {
		assertThat(Partitioner.partitionForKey("foobar".getBytes(StandardCharsets.UTF_8), 50)).isEqualTo(16);
	}

	@Test
	void unkeyedRequestsRotateOverEveryPartition() {
		Partitioner partitioner = new Partitioner();
		Set<Integer> seen = new HashSet<>();
		for (int i = 0; i < 6; i++) {
			seen.add(partitioner.nextUnkeyedPartition(6));
		}
		assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
	}

}
