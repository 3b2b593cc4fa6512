package io.caudal.log;

import io.caudal.support.FakeTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWriterTest {

	private static final long NOW = 1_750_000_000_000L;

	private static final LogConfig CONFIG = new LogConfig(1 << 20, 1 << 20, 0, -1, -1, 4096,
			LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);

	@TempDir
	Path tmp;

	@Test
	void writesRunOnNamedWriterThreads() throws Exception {
		try (LogWriter writer = new LogWriter(3);
				PartitionLog log = PartitionLog.open(this.tmp.resolve("orders-0"), "orders-0", CONFIG,
						new FakeTime(NOW), writer, new OpenFiles(64))) {
			// A waiter registered before the append runs on the thread that wrote it; a callback chained on the
			// append's future could run on this thread instead, if the write finished first.
			CompletableFuture<String> writerThread = new CompletableFuture<>();
			log.awaitRecordsAfter(0, () -> writerThread.complete(Thread.currentThread().getName()));
			log.append(TestRecords.records("v", 1, NOW)).join();

			assertThat(writerThread.join()).matches("caudal-log-writer-[0-2]");
		}
	}

	@Test
	void aPartitionIsPinnedToOneThreadAndPartitionsSpreadOverAll() {
		try (LogWriter writer = new LogWriter(4)) {
			Set<LogWriter.Lane> used = new HashSet<>();
			for (int partition = 0; partition < 64; partition++) {
				LogWriter.Lane lane = writer.laneFor("orders-" + partition);
				assertThat(writer.laneFor("orders-" + partition)).isSameAs(lane);
				used.add(lane);
			}
			assertThat(used).hasSize(4);
		}
	}

	@Test
	void aFullQueueMakesAnAppendWaitThenFailWithoutWriting() throws Exception {
		FaultyDisk disk = new FaultyDisk();
		try (LogWriter writer = new LogWriter(1, 2_000, 100);
				PartitionLog log = PartitionLog.open(this.tmp.resolve("orders-0"), "orders-0", CONFIG,
						new FakeTime(NOW), writer, new OpenFiles(disk, 64))) {
			disk.closeForceGate();
			CompletableFuture<AppendResult> first = log.append(bytes(1_500));
			await().atMost(Duration.ofSeconds(10)).until(() -> disk.forcesWaiting.get() == 1);

			CompletableFuture<AppendResult> refused = log.append(bytes(1_500));

			assertThatThrownBy(refused::join).hasCauseInstanceOf(LogStorageException.class)
				.hasMessageContaining("writer queue stayed full")
				.hasMessageContaining("2000 bytes queued on caudal-log-writer-0 for 100 ms");
			disk.openForceGate();
			assertThat(first.join()).isEqualTo(new AppendResult(0, 0));
			assertThat(log.append(bytes(1_500)).join()).isEqualTo(new AppendResult(1, 1));
		}
	}

	@Test
	void aPreparedAppendHoldsItsRoomUntilCommittedOrCancelled() throws Exception {
		try (LogWriter writer = new LogWriter(1, 2_000, 0);
				PartitionLog log = PartitionLog.open(this.tmp.resolve("orders-0"), "orders-0", CONFIG,
						new FakeTime(NOW), writer, new OpenFiles(64))) {
			PreparedAppend held = log.prepareAppend(bytes(1_500), null);

			assertThatThrownBy(() -> log.prepareAppend(bytes(1_500), null)).isInstanceOf(LogStorageException.class)
				.hasMessageContaining("writer queue stayed full");
			assertThat(log.logEndOffset()).isZero();

			held.cancel();
			assertThat(log.prepareAppend(bytes(1_500), null).commit().join()).isEqualTo(new AppendResult(0, 0));
			assertThatThrownBy(held::commit).isInstanceOf(IllegalStateException.class);
		}
	}

	@Test
	void aBatchLargerThanTheWholeQueueIsAdmittedAlone() throws Exception {
		try (LogWriter writer = new LogWriter(1, 100, 1_000);
				PartitionLog log = PartitionLog.open(this.tmp.resolve("orders-0"), "orders-0", CONFIG,
						new FakeTime(NOW), writer, new OpenFiles(64))) {
			assertThat(log.append(bytes(5_000)).join()).isEqualTo(new AppendResult(0, 0));
			assertThat(log.append(bytes(5_000)).join()).isEqualTo(new AppendResult(1, 1));
		}
	}

	@Test
	void afterTheWriterClosesAppendsFailAndPartitionsStillCloseCleanly() throws Exception {
		Path dir = this.tmp.resolve("orders-0");
		LogWriter writer = new LogWriter(1);
		PartitionLog log = PartitionLog.open(dir, "orders-0", CONFIG, new FakeTime(NOW), writer, new OpenFiles(64));
		log.append(TestRecords.records("v", 2, NOW)).join();

		writer.close();

		assertThatThrownBy(log.append(TestRecords.records("late", 1, NOW))::join)
			.hasCauseInstanceOf(LogStorageException.class)
			.hasMessageContaining("writer is closed");
		log.close();
		assertThat(LogFiles.cleanShutdownFile(dir)).exists();
	}

	@Test
	void rejectsSettingsOutOfBounds() {
		assertThatThrownBy(() -> new LogWriter(0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("got 0 threads");
		assertThatThrownBy(() -> new LogWriter(1, 0, 10)).isInstanceOf(IllegalArgumentException.class);
	}

	private static List<LogRecord> bytes(int valueBytes) {
		return List.of(new LogRecord(null, new byte[valueBytes], null, NOW));
	}

}
