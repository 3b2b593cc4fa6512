package io.caudal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OffsetIndexTest {

	private static final OpenFiles FILES = new OpenFiles(64);

	private static final long BASE = 1_000;

	@TempDir
	Path dir;

	private Path file;

	private OffsetIndex index;

	@BeforeEach
	void createIndex() throws Exception {
		this.file = LogFiles.indexFile(this.dir, BASE);
		this.index = OffsetIndex.create("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
	}

	@AfterEach
	void closeIndex() {
		this.index.closeForGood();
	}

	@Test
	void lookupOnAnEmptyIndexStartsAtPositionZero() throws Exception {
		assertThat(this.index.lookup(BASE)).isZero();
		assertThat(this.index.lookup(BASE + 100)).isZero();
	}

	@Test
	void lookupReturnsThePositionOfTheLastEntryAtOrBelowTheTarget() throws Exception {
		this.index.append(BASE + 10, 100);
		this.index.append(BASE + 20, 200);
		this.index.publish();

		assertThat(this.index.lookup(BASE - 5)).isZero();
		assertThat(this.index.lookup(BASE + 9)).isZero();
		assertThat(this.index.lookup(BASE + 10)).isEqualTo(100);
		assertThat(this.index.lookup(BASE + 19)).isEqualTo(100);
		assertThat(this.index.lookup(BASE + 20)).isEqualTo(200);
		assertThat(this.index.lookup(Long.MAX_VALUE)).isEqualTo(200);
	}

	@Test
	void randomLookupsAgreeWithATreeMapOracle() throws Exception {
		long seed = System.nanoTime();
		System.out.println("OffsetIndexTest.randomLookupsAgreeWithATreeMapOracle seed=" + seed);
		Random random = new Random(seed);
		TreeMap<Long, Integer> oracle = new TreeMap<>();
		long offset = BASE;
		int position = 0;
		for (int i = 0; i < 5_000; i++) {
			offset += 1 + random.nextInt(50);
			position += 1 + random.nextInt(5_000);
			this.index.append(offset, position);
			oracle.put(offset, position);
		}
		this.index.publish();

		for (int i = 0; i < 20_000; i++) {
			long target = BASE - 10 + (long) (random.nextDouble() * (offset - BASE + 100));
			Map.Entry<Long, Integer> expected = oracle.floorEntry(target);
			assertThat(this.index.lookup(target)).as("seed %d, target %d", seed, target)
				.isEqualTo((expected == null) ? 0 : expected.getValue());
		}
	}

	@Test
	void entriesAreInvisibleUntilPublishedAndRollbackDropsThem() throws Exception {
		this.index.append(BASE + 1, 10);
		this.index.publish();
		this.index.append(BASE + 2, 20);

		assertThat(this.index.lookup(BASE + 2)).isEqualTo(10);

		this.index.rollback();
		this.index.publish();

		assertThat(this.index.lookup(BASE + 2)).isEqualTo(10);
		assertThat(Files.size(this.file)).isEqualTo(OffsetIndex.ENTRY_SIZE);
	}

	@Test
	void appendRejectsEntriesThatDoNotFollowTheLastOne() throws Exception {
		this.index.append(BASE + 10, 100);

		assertThatThrownBy(() -> this.index.append(BASE + 10, 200)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("Cannot append offset 1010 at position 200")
			.hasMessageContaining("the last entry is offset 1010 at position 100");
		assertThatThrownBy(() -> this.index.append(BASE + 11, 100)).isInstanceOf(IllegalArgumentException.class);
	}

	@ParameterizedTest
	@CsvSource({ "0, true", "2147483647, true", "2147483648, false", "-1, false" })
	void relativeOffsetsMustFitInThirtyTwoBits(long relative, boolean accepted) {
		if (accepted) {
			assertThat(this.index.relativeOffset(BASE + relative)).isEqualTo((int) relative);
		}
		else {
			assertThatThrownBy(() -> this.index.relativeOffset(BASE + relative))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("within 2^31-1 above the base offset 1000");
		}
	}

	@Test
	void entriesSurviveAReload() throws Exception {
		this.index.append(BASE + 3, 30);
		this.index.append(BASE + 9, 90);
		this.index.flush();

		OffsetIndex loaded = OffsetIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);

		assertThat(loaded.problem(100)).isNull();
		assertThat(loaded.lookup(BASE + 5)).isEqualTo(30);
		assertThat(loaded.lastOffset()).isEqualTo(BASE + 9);
		assertThat(loaded.lastPosition()).isEqualTo(90);
	}

	@Test
	void problemNamesAMissingFile() throws Exception {
		Files.delete(this.file);

		assertThat(OffsetIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES).problem(100))
			.contains("is missing");
	}

	@Test
	void problemNamesATornFile() throws Exception {
		Files.write(this.file, new byte[13]);

		assertThat(OffsetIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES).problem(100))
			.contains("13 bytes, not a multiple of its 8-byte entries");
	}

	@Test
	void problemNamesEntriesOutOfOrder() throws Exception {
		Files.write(this.file, ByteBuffer.allocate(16).putInt(5).putInt(50).putInt(4).putInt(60).array());

		assertThat(OffsetIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES).problem(100))
			.contains("entry 1 (relative offset 4, position 60) does not follow");
	}

	@Test
	void problemNamesEntriesPastTheLog() throws Exception {
		Files.write(this.file, ByteBuffer.allocate(8).putInt(5).putInt(500).array());

		assertThat(OffsetIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES).problem(100))
			.contains("points to position 500, past the end of the 100-byte log");
	}

}
