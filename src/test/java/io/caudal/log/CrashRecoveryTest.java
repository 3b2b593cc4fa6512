package io.caudal.log;

import io.caudal.time.Time;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.caudal.log.CrashAppender.RecordId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Proves that a {@link PartitionLog} survives its process being killed with SIGKILL at any moment: after every
 * restart each acknowledged record is present exactly once, identical, at the offset it was acknowledged with;
 * offsets are contiguous from 0; and every record in the log, acknowledged or not, is a whole, uncorrupted record
 * of a whole batch.
 * <p>
 * Each cycle starts a {@link CrashAppender} child JVM on the same directory, lets several of its threads append
 * random batches, and kills it after a random number of acknowledgements (sometimes while it is still opening
 * and recovering the log). Most cycles then reopen the log in this JVM and check it; the others leave the
 * recovery to the next child, so that crashes also land on a log that was recovered but never closed cleanly.
 * <p>
 * With {@code flushMs} &gt; 0 an append is acknowledged before its fsync. Only a power loss may lose such records
 * (and only at the tail); SIGKILL leaves the page cache intact, so the same checks hold.
 * <p>
 * Randomness comes from one seed, printed at the start; rerun with {@code -Dcaudal.seed=<seed>} (thread timing
 * still varies). Cycles: {@code -Dcaudal.crash.cycles=<n>} (default 25); the {@code flushMs} variant runs a fifth
 * of them. A soak: {@code ./mvnw test -Dtest=CrashRecoveryTest -Dcaudal.crash.cycles=500}.
 */
class CrashRecoveryTest {

	private static final int APPENDER_THREADS = 4;

	private static final int MAX_ACKS_BEFORE_KILL = 400;

	private static final long CHILD_TIMEOUT_SECONDS = 30;

	@TempDir
	Path tmp;

	@Test
	void acknowledgedRecordsSurviveSigkillWithFsyncBeforeAck() throws Exception {
		runCycles(0, cycles());
	}

	@Test
	void acknowledgedRecordsSurviveSigkillWithAckBeforeFsync() throws Exception {
		runCycles(100, Math.max(2, cycles() / 5));
	}

	private static int cycles() {
		return Integer.getInteger("caudal.crash.cycles", 25);
	}

	private void runCycles(long flushMs, int cycles) throws Exception {
		long seed = Long.getLong("caudal.seed", System.nanoTime());
		System.out.printf("CrashRecoveryTest flushMs=%d cycles=%d seed=%d (rerun with -Dcaudal.seed=%d)%n", flushMs,
				cycles, seed, seed);
		Random random = new Random(seed);
		Path dir = this.tmp.resolve("crash-0");
		List<Ack> acks = new ArrayList<>();
		long acknowledgedEnd = 0;
		int verifications = 0;
		for (int cycle = 1; cycle <= cycles; cycle++) {
			String context = "seed " + seed + ", cycle " + cycle + ": ";
			// One kill in eight lands while the child is opening (and perhaps recovering) the log.
			int acksBeforeKill = (random.nextInt(8) == 0) ? 0 : 1 + random.nextInt(MAX_ACKS_BEFORE_KILL);
			ChildRun run = ChildRun.start(dir, flushMs, random.nextLong(), this.tmp, cycle);
			run.awaitThenKill(acksBeforeKill, context);
			if (run.openedEnd >= 0) {
				assertThat(run.openedEnd).as(context + "end offset after the child recovered the log")
					.isGreaterThanOrEqualTo(acknowledgedEnd);
			}
			for (Ack ack : run.acks) {
				assertThat(ack.lastOffset - ack.baseOffset + 1).as(context + "offsets acknowledged for " + ack)
					.isEqualTo(CrashAppender.batch(ack.batchSeed).size());
				acknowledgedEnd = Math.max(acknowledgedEnd, ack.lastOffset + 1);
			}
			acks.addAll(run.acks);
			if (cycle == cycles || random.nextInt(3) != 0) {
				verify(dir, flushMs, acks, acknowledgedEnd, random, context);
				verifications++;
			}
		}
		assertThat(acks).as("acknowledged appends over all cycles").isNotEmpty();
		System.out.printf("CrashRecoveryTest flushMs=%d: %d kills, %d acknowledged appends up to offset %d, "
				+ "%d checks; passed%n", flushMs, cycles, acks.size(), acknowledgedEnd, verifications);
	}

	/**
	 * Reopens the log and checks it whole: contiguous offsets from 0, every record a record of a whole batch
	 * written once, every acknowledged batch at its offsets, and index lookups at random offsets.
	 */
	private static void verify(Path dir, long flushMs, List<Ack> acks, long acknowledgedEnd, Random random,
			String context) throws IOException {
		try (LogWriter writer = new LogWriter(1);
				PartitionLog log = PartitionLog.open(dir, "crash-0", CrashAppender.config(flushMs), Time.SYSTEM,
						writer, new OpenFiles(64))) {
			assertThat(log.logStartOffset()).as(context + "log start offset").isZero();
			long end = log.logEndOffset();
			assertThat(end).as(context + "log end offset after recovery").isGreaterThanOrEqualTo(acknowledgedEnd);
			Map<Long, Long> batchBaseOffsets = new HashMap<>();
			long offset = 0;
			long batchSeed = 0;
			int nextIndex = 0;
			List<LogRecord> batch = List.of();
			while (offset < end) {
				FetchResult fetched = log.read(offset, 1000, 1 << 20);
				assertThat(TestRecords.records(fetched)).as(context + "records read from offset " + offset + " of " + end)
					.isNotEmpty();
				for (StoredRecord record : TestRecords.records(fetched)) {
					assertThat(record.offset()).as(context + "offset after " + (offset - 1)).isEqualTo(offset);
					RecordId id = CrashAppender.idOf(record);
					if (id.index() == 0) {
						assertThat(nextIndex).as(context + "records of the batch before offset " + offset)
							.isEqualTo(batch.size());
						batchSeed = id.batchSeed();
						batch = CrashAppender.batch(batchSeed);
						nextIndex = 0;
						Long previous = batchBaseOffsets.put(batchSeed, offset);
						assertThat(previous).as(context + "earlier copy of the batch at offset " + offset).isNull();
					}
					assertThat(id).as(context + "identity of the record at offset " + offset)
						.isEqualTo(new RecordId(batchSeed, nextIndex));
					assertThat(nextIndex).as(context + "index in its batch of the record at offset " + offset)
						.isLessThan(batch.size());
					assertThat(record).as(context + "record at offset " + offset)
						.isEqualTo(stored(offset, batch.get(nextIndex)));
					nextIndex++;
					offset++;
				}
				assertThat(fetched.nextOffset()).as(context + "next offset").isEqualTo(offset);
			}
			assertThat(nextIndex).as(context + "records of the last batch").isEqualTo(batch.size());
			for (Ack ack : acks) {
				assertThat(batchBaseOffsets.get(ack.batchSeed)).as(context + "offset of acknowledged " + ack)
					.isEqualTo(ack.baseOffset);
			}
			for (int lookup = 0; lookup < 50 && !acks.isEmpty(); lookup++) {
				Ack ack = acks.get(random.nextInt(acks.size()));
				List<LogRecord> records = CrashAppender.batch(ack.batchSeed);
				int index = random.nextInt(records.size());
				long target = ack.baseOffset + index;
				FetchResult fetched = log.read(target, 1, 1);
				assertThat(TestRecords.records(fetched)).as(context + "lookup of offset " + target)
					.containsExactly(stored(target, records.get(index)));
			}
		}
	}

	private static StoredRecord stored(long offset, LogRecord record) {
		return new StoredRecord(offset, record.timestamp(), record.key(), record.value(), record.headers());
	}

	/**
	 * An acknowledgement printed by the child.
	 *
	 * @param baseOffset the offset of the batch's first record
	 * @param lastOffset the offset of its last record
	 * @param batchSeed the seed the batch was generated from
	 */
	record Ack(long baseOffset, long lastOffset, long batchSeed) {
	}

	/**
	 * One child JVM and what it printed. Its standard output goes to a file, read as it grows; a last line cut short
	 * by the kill has no newline and is ignored. Not thread-safe.
	 */
	private static final class ChildRun {

		final Process process;

		final List<Ack> acks = new ArrayList<>();

		boolean starting;

		long openedEnd = -1;

		private final Path stderr;

		private final SeekableByteChannel stdout;

		private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

		private final StringBuilder line = new StringBuilder();

		private ChildRun(Process process, SeekableByteChannel stdout, Path stderr) {
			this.process = process;
			this.stdout = stdout;
			this.stderr = stderr;
		}

		static ChildRun start(Path dir, long flushMs, long seed, Path outputDir, int cycle) throws IOException {
			String java = ProcessHandle.current().info().command().orElseThrow();
			Path stdout = outputDir.resolve("child-" + cycle + ".out");
			Path stderr = outputDir.resolve("child-" + cycle + ".err");
			ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
					CrashAppender.class.getName(), dir.toString(), Long.toString(flushMs),
					Integer.toString(APPENDER_THREADS), Long.toString(seed))
				.redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile());
			Process process = builder.start();
			return new ChildRun(process, Files.newByteChannel(stdout), stderr);
		}

		/**
		 * Waits until the child has printed {@code acks} acknowledgements ({@code starting} when 0), then kills it
		 * with SIGKILL and reads the rest of what it printed.
		 */
		void awaitThenKill(int acks, String context) throws IOException, InterruptedException {
			try (this.stdout) {
				try {
					await(context + "child printing " + ((acks == 0) ? "starting" : acks + " acknowledgements"))
						.atMost(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)
						.pollInSameThread()
						.pollDelay(0, TimeUnit.MILLISECONDS)
						.pollInterval(1, TimeUnit.MILLISECONDS)
						.until(() -> {
							if (!this.process.isAlive()) {
								fail(context + "the child exited by itself with status " + this.process.exitValue()
										+ "; its standard error:%n%s", Files.readString(this.stderr));
							}
							readProtocol();
							return (acks == 0) ? this.starting : this.acks.size() >= acks;
						});
				}
				finally {
					this.process.destroyForcibly();
				}
				assertThat(this.process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS))
					.as(context + "child killed")
					.isTrue();
				readProtocol();
			}
		}

		/** Parses the complete lines the child has printed since the last call. */
		private void readProtocol() throws IOException {
			while (this.stdout.read(this.buffer.clear()) > 0) {
				this.buffer.flip();
				while (this.buffer.hasRemaining()) {
					char c = (char) this.buffer.get();
					if (c != '\n') {
						this.line.append(c);
						continue;
					}
					handle(this.line.toString());
					this.line.setLength(0);
				}
			}
		}

		private void handle(String line) {
			String[] words = line.split(" ");
			switch (words[0]) {
				case "starting" -> this.starting = true;
				case "opened" -> this.openedEnd = Long.parseLong(words[2]);
				case "ack" -> this.acks
					.add(new Ack(Long.parseLong(words[1]), Long.parseLong(words[2]), Long.parseLong(words[3])));
				default -> throw new IllegalStateException("Unexpected line from the child: " + line);
			}
		}

	}

}
