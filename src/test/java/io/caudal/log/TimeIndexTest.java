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

import io.caudal.log.TimeIndex.TimestampOffset;

class TimeIndexTest {

	private static final OpenFiles FILES = new OpenFiles(64);

	private static final long BASE = 500;

	@TempDir
	Path dir;

	private Path file;

	private TimeIndex index;

	@BeforeEach
	void createIndex() throws Exception {
		this.file = LogFiles.timeIndexFile(this.dir, BASE);
		this.index = TimeIndex.create("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
	}

	@AfterEach
	void closeIndex() {
		this.index.closeForGood();
	}

	@Test
	void addsAnEntryOnlyForANewLargestTimestamp() throws Exception {
		assertThat(this.index.maybeAppend(1_000, BASE + 1)).isTrue();
		assertThat(this.index.maybeAppend(1_000, BASE + 2)).isFalse();
		assertThat(this.index.maybeAppend(900, BASE + 3)).isFalse();
		assertThat(this.index.maybeAppend(1_001, BASE + 4)).isTrue();

		assertThat(this.index.count()).isEqualTo(2);
		assertThat(this.index.last()).isEqualTo(new TimestampOffset(1_001, BASE + 4));
	}

	@Test
	void lastBeforeFindsTheLastEntryOlderThanTheTimestamp() throws Exception {
		this.index.maybeAppend(100, BASE + 1);
		this.index.maybeAppend(200, BASE + 5);
		this.index.publish();

		assertThat(this.index.lastBefore(100)).isNull();
		assertThat(this.index.lastBefore(101)).isEqualTo(new TimestampOffset(100, BASE + 1));
		assertThat(this.index.lastBefore(200)).isEqualTo(new TimestampOffset(100, BASE + 1));
		assertThat(this.index.lastBefore(Long.MAX_VALUE)).isEqualTo(new TimestampOffset(200, BASE + 5));
	}

	@Test
	void randomLookupsAgreeWithATreeMapOracle() throws Exception {
		long seed = System.nanoTime();
		System.out.println("TimeIndexTest.randomLookupsAgreeWithATreeMapOracle seed=" + seed);
		Random random = new Random(seed);
		TreeMap<Long, Long> oracle = new TreeMap<>();
		long timestamp = 1_000_000;
		long offset = BASE;
		for (int i = 0; i < 3_000; i++) {
			timestamp += 1 + random.nextInt(1_000);
			offset += random.nextInt(20);
			this.index.maybeAppend(timestamp, offset);
			oracle.put(timestamp, offset);
		}
		this.index.publish();

		for (int i = 0; i < 20_000; i++) {
			long target = 1_000_000 + (long) (random.nextDouble() * (timestamp - 1_000_000 + 2_000));
			Map.Entry<Long, Long> expected = oracle.lowerEntry(target);
			assertThat(this.index.lastBefore(target)).as("seed %d, target %d", seed, target)
				.isEqualTo((expected == null) ? null : new TimestampOffset(expected.getKey(), expected.getValue()));
		}
	}

	@Test
	void appendRejectsAnOffsetBelowTheLastEntry() throws Exception {
		this.index.maybeAppend(100, BASE + 10);

		assertThatThrownBy(() -> this.index.maybeAppend(200, BASE + 9)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("the last entry is at offset 510");
	}

	@Test
	void entriesSurviveAReload() throws Exception {
		this.index.maybeAppend(100, BASE + 1);
		this.index.maybeAppend(300, BASE + 7);
		this.index.flush();

		TimeIndex loaded = TimeIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);

		assertThat(loaded.problem(BASE + 8)).isNull();
		assertThat(loaded.last()).isEqualTo(new TimestampOffset(300, BASE + 7));
	}

	@Test
	void rollbackDropsUnpublishedEntriesFromMemoryAndFile() throws Exception {
		this.index.maybeAppend(100, BASE + 1);
		this.index.publish();
		this.index.maybeAppend(300, BASE + 7);

		this.index.rollback();

		assertThat(this.index.last()).isEqualTo(new TimestampOffset(100, BASE + 1));
		assertThat(Files.size(this.file)).isEqualTo(TimeIndex.ENTRY_SIZE);
	}

	@Test
	void problemNamesTornUnorderedAndOverreachingFiles() throws Exception {
		Files.write(this.file, new byte[20]);
		assertThat(load().problem(BASE + 10)).contains("not a multiple of its 12-byte entries");

		Files.write(this.file, ByteBuffer.allocate(24).putLong(200).putInt(1).putLong(200).putInt(2).array());
		assertThat(load().problem(BASE + 10)).contains("entry 1 (timestamp 200, relative offset 2) does not follow");

		Files.write(this.file, ByteBuffer.allocate(12).putLong(200).putInt(10).array());
		assertThat(load().problem(BASE + 10)).contains("points to offset 510, past the segment's last offset 509");

		Files.delete(this.file);
		assertThat(load().problem(BASE + 10)).contains("is missing");
	}

	private TimeIndex load() throws Exception {
		return TimeIndex.open("orders-2", FILES, this.file, BASE, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
	}

}
