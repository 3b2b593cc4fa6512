package io.caudal.log;

import io.caudal.time.Time;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashRecoveryTest}: opens a {@link PartitionLog} and appends random batches to it
 * from several threads until it is killed.
 * <p>
 * Usage: {@code CrashAppender <partition dir> <flushMs> <threads> <seed>}. Its standard output is a protocol, one
 * line per event, each written and flushed whole after the event happened:
 * <ul>
 * <li>{@code starting} before the log is opened (and recovered);</li>
 * <li>{@code opened <logStartOffset> <logEndOffset>} once it is open;</li>
 * <li>{@code ack <baseOffset> <lastOffset> <batchSeed>} once an append has been acknowledged, where the batch is
 * {@link #batch(long) batch(batchSeed)}.</li>
 * </ul>
 * Logging goes to standard error. Any failure to append ends the process with status 3, which the test reports.
 * <p>
 * Every record carries its identity as its first header, {@value #ID_HEADER}: the seed of its batch and its index
 * in the batch. The test regenerates the whole batch from that seed, so it can check every record it reads back,
 * acknowledged or not, byte for byte.
 */
public final class CrashAppender {

	static final String ID_HEADER = "crash-id";

	/** Status of a child that stopped because an append failed. */
	static final int APPEND_FAILED = 3;

	private static final long FIRST_TIMESTAMP = 1_700_000_000_000L;

	private CrashAppender() {
	}

	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		long flushMs = Long.parseLong(args[1]);
		int threads = Integer.parseInt(args[2]);
		long seed = Long.parseLong(args[3]);
		PrintStream protocol = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)),
				false, StandardCharsets.US_ASCII);
		// Keep log output off the protocol stream.
		System.setOut(System.err);
		emit(protocol, "starting");
		LogWriter writer = new LogWriter(1);
		PartitionLog log = PartitionLog.open(dir, dir.getFileName().toString(), config(flushMs), Time.SYSTEM, writer, new OpenFiles(64));
		emit(protocol, "opened " + log.logStartOffset() + " " + log.logEndOffset());
		List<Thread> appenders = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Random random = new Random(seed + i);
			Thread thread = new Thread(() -> appendForever(log, random, protocol), "crash-appender-" + i);
			thread.start();
			appenders.add(thread);
		}
		for (Thread thread : appenders) {
			thread.join();
		}
	}

	/**
	 * The log's settings, shared by the child and the test: small segments so that it rolls often, a dense index so
	 * that lookups after recovery use it, nothing deleted by retention.
	 */
	static LogConfig config(long flushMs) {
		return new LogConfig(64 * 1024, 1024 * 1024, flushMs, -1, -1, 1024, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
	}

	/**
	 * The batch a seed stands for: 1 to 20 records with keys, values and headers of random size, some of them null
	 * or empty, each record identified by its {@value #ID_HEADER} header.
	 */
	static List<LogRecord> batch(long batchSeed) {
		Random random = new Random(batchSeed);
		int count = 1 + random.nextInt(20);
		List<LogRecord> records = new ArrayList<>(count);
		for (int index = 0; index < count; index++) {
			List<Header> headers = new ArrayList<>();
			headers.add(new Header(ID_HEADER, ByteBuffer.allocate(12).putLong(batchSeed).putInt(index).array()));
			int extraHeaders = random.nextInt(3);
			for (int h = 0; h < extraHeaders; h++) {
				headers.add(new Header("h" + random.nextInt(100), (random.nextInt(5) == 0) ? null : bytes(random, 16)));
			}
			byte[] key = (random.nextInt(5) == 0) ? null : bytes(random, 32);
			byte[] value = (random.nextInt(10) == 0) ? null : bytes(random, 400);
			records.add(new LogRecord(key, value, headers, FIRST_TIMESTAMP + random.nextInt(1_000_000_000)));
		}
		return records;
	}

	/** The {@link #ID_HEADER} of a record read back: the seed of its batch and its index in that batch. */
	static RecordId idOf(StoredRecord record) {
		Header header = record.headers().isEmpty() ? null : record.headers().get(0);
		if (header == null || !ID_HEADER.equals(header.key()) || header.value() == null
				|| header.value().length != 12) {
			throw new AssertionError("Record at offset " + record.offset() + " has no " + ID_HEADER
					+ " header; it was not written by CrashAppender: " + record);
		}
		ByteBuffer id = ByteBuffer.wrap(header.value());
		return new RecordId(id.getLong(), id.getInt());
	}

	/**
	 * The identity of a record written by {@link CrashAppender}.
	 *
	 * @param batchSeed the seed of its batch
	 * @param index its index in the batch
	 */
	record RecordId(long batchSeed, int index) {
	}

	private static void appendForever(PartitionLog log, Random random, PrintStream protocol) {
		try {
			while (true) {
				long batchSeed = random.nextLong();
				AppendResult result = log.append(batch(batchSeed)).join();
				emit(protocol, "ack " + result.baseOffset() + " " + result.lastOffset() + " " + batchSeed);
			}
		}
		catch (RuntimeException | Error ex) {
			ex.printStackTrace();
			System.exit(APPEND_FAILED);
		}
	}

	private static byte[] bytes(Random random, int maxLength) {
		byte[] bytes = new byte[random.nextInt(maxLength + 1)];
		random.nextBytes(bytes);
		return bytes;
	}

	private static void emit(PrintStream protocol, String line) {
		synchronized (protocol) {
			protocol.println(line);
			protocol.flush();
		}
	}

}
