package io.caudal.log;

import io.caudal.support.ChildClasspath;
import io.caudal.support.ProcessResult;
import io.caudal.time.Time;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that a partition written by {@link PartitionLog} is a Kafka log: Kafka 4.3.1's own
 * {@code org.apache.kafka.tools.DumpLogSegments} reads every segment and finds every batch valid (CRC included),
 * where it was written, with the base offsets, record counts, timestamps, keys, values and header keys that were
 * appended and no stray bytes; and it finds the {@code .index} and {@code .timeindex} entries consistent with the
 * batches they point to.
 * <p>
 * The tool runs in a separate JVM, since its dependencies clash with Caudal's. Its classpath is resolved by Maven
 * from {@code src/test/resources/kafka-tools/pom.xml} (downloaded on first use, then kept in
 * {@code target/kafka-tools.classpath}: see {@link ChildClasspath}); if it cannot be resolved, the test fails.
 */
class DumpLogSegmentsTest {

	private static final String TOOL = "org.apache.kafka.tools.DumpLogSegments";

	private static final long FIRST_TIMESTAMP = 1_750_000_000_000L;

	private static final Pattern BATCH = Pattern.compile("baseOffset: \\d+ lastOffset: (?<lastOffset>\\d+) "
			+ "count: (?<count>\\d+) .* position: (?<position>\\d+) CreateTime: (?<maxTimestamp>\\d+) "
			+ "size: (?<size>\\d+) magic: (?<magic>\\d+) compresscodec: none crc: \\d+ isvalid: (?<valid>\\S+)");

	private static final Pattern INDEX_ENTRY = Pattern.compile("offset: (\\d+) position: (\\d+)");

	private static final Pattern TIME_INDEX_ENTRY = Pattern.compile("timestamp: (\\d+) offset: (\\d+)");

	@TempDir
	Path tmp;

	@Test
	void kafkaDumpToolReadsEverySegmentAndIndexAsWritten() throws Exception {
		Path dir = this.tmp.resolve("orders-0");
		List<WrittenBatch> written = new ArrayList<>();
		try (LogWriter writer = new LogWriter(1);
				PartitionLog log = PartitionLog.open(dir, "orders-0", new LogConfig(4096, 1 << 20, 0, -1, -1, 512, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES),
						Time.SYSTEM, writer, new OpenFiles(64))) {
			for (int batch = 0; batch < 30; batch++) {
				List<LogRecord> records = batch(batch);
				written.add(new WrittenBatch(log.append(records).join(), records));
			}
		}
		List<Long> baseOffsets;
		try (Stream<Path> files = Files.list(dir)) {
			baseOffsets = files.map(file -> file.getFileName().toString())
				.filter(name -> name.endsWith(".log"))
				.map(name -> Long.parseLong(name.substring(0, name.length() - ".log".length())))
				.sorted()
				.toList();
		}
		assertThat(baseOffsets).as("segments written").hasSizeGreaterThanOrEqualTo(3);

		List<Path> files = new ArrayList<>();
		for (long baseOffset : baseOffsets) {
			files.add(segmentFile(dir, baseOffset, ".log"));
			files.add(segmentFile(dir, baseOffset, ".index"));
			files.add(segmentFile(dir, baseOffset, ".timeindex"));
		}
		Map<String, List<String>> dumped = dumpLogSegments(files, baseOffsets);
		assertThat(dumped.keySet()).as("files dumped")
			.containsExactlyElementsOf(files.stream().map(Path::toString).toList());

		int indexEntries = 0;
		int next = 0;
		for (int s = 0; s < baseOffsets.size(); s++) {
			long baseOffset = baseOffsets.get(s);
			long nextBaseOffset = (s + 1 < baseOffsets.size()) ? baseOffsets.get(s + 1) : Long.MAX_VALUE;
			Path segment = segmentFile(dir, baseOffset, ".log");
			List<String> lines = dumped.get(segment.toString());
			List<String> expected = new ArrayList<>();
			expected.add("Log starting offset: " + baseOffset);
			Map<Long, Long> lastOffsetByPosition = new LinkedHashMap<>();
			Map<Long, Long> maxTimestampByLastOffset = new LinkedHashMap<>();
			long maxTimestamp = -1;
			long position = 0;
			while (next < written.size() && written.get(next).result.baseOffset() < nextBaseOffset) {
				WrittenBatch batch = written.get(next++);
				String line = batchLine(lines, batch.result.baseOffset());
				Matcher fields = BATCH.matcher(line);
				assertThat(fields.matches()).as("batch line %s", line).isTrue();
				long batchMaxTimestamp = batch.records.stream().mapToLong(LogRecord::timestamp).max().orElseThrow();
				assertThat(fields.group("lastOffset")).as(line).isEqualTo(Long.toString(batch.result.lastOffset()));
				assertThat(fields.group("count")).as(line).isEqualTo(Integer.toString(batch.records.size()));
				assertThat(fields.group("position")).as(line).isEqualTo(Long.toString(position));
				assertThat(fields.group("maxTimestamp")).as(line).isEqualTo(Long.toString(batchMaxTimestamp));
				assertThat(fields.group("magic")).as(line).isEqualTo("2");
				assertThat(fields.group("valid")).as(line).isEqualTo("true");
				expected.add(line);
				for (int i = 0; i < batch.records.size(); i++) {
					expected.add(recordLine(batch.result.baseOffset() + i, batch.records.get(i)));
				}
				lastOffsetByPosition.put(position, batch.result.lastOffset());
				maxTimestamp = Math.max(maxTimestamp, batchMaxTimestamp);
				maxTimestampByLastOffset.put(batch.result.lastOffset(), maxTimestamp);
				position += Long.parseLong(fields.group("size"));
			}
			assertThat(lines).as("dump of %s", segment).containsExactlyElementsOf(expected);
			assertThat(Files.size(segment)).as("size of %s, all of it batches", segment).isEqualTo(position);

			Path index = segmentFile(dir, baseOffset, ".index");
			for (String line : dumped.get(index.toString())) {
				if (line.equals(index + " is empty.")) {
					continue;
				}
				Matcher entry = INDEX_ENTRY.matcher(line);
				assertThat(entry.matches()).as("entry of %s: %s", index, line).isTrue();
				assertThat(lastOffsetByPosition.get(Long.parseLong(entry.group(2))))
					.as("last offset of the batch that %s entry '%s' points to", index, line)
					.isEqualTo(Long.parseLong(entry.group(1)));
				indexEntries++;
			}
			Path timeIndex = segmentFile(dir, baseOffset, ".timeindex");
			for (String line : dumped.get(timeIndex.toString())) {
				Matcher entry = TIME_INDEX_ENTRY.matcher(line);
				assertThat(entry.matches()).as("entry of %s: %s", timeIndex, line).isTrue();
				assertThat(maxTimestampByLastOffset.get(Long.parseLong(entry.group(2))))
					.as("largest timestamp up to the batch that %s entry '%s' names", timeIndex, line)
					.isEqualTo(Long.parseLong(entry.group(1)));
			}
		}
		assertThat(next).as("batches found in the segments").isEqualTo(written.size());
		assertThat(indexEntries).as("offset index entries over all segments").isPositive();
	}

	/**
	 * Batch {@code b}: 1 to 12 records with keys (some null, some empty), values (some null, some empty, some
	 * non-ASCII UTF-8) and 0 to 2 headers (one with a null value). Nothing contains spaces or line breaks, so the
	 * tool's output can be compared line by line.
	 */
	private static List<LogRecord> batch(int b) {
		int count = 1 + (b * 7) % 12;
		List<LogRecord> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String key = switch (i % 5) {
				case 3 -> null;
				case 4 -> "";
				default -> "key-" + b + "-" + i;
			};
			String value = switch (i % 7) {
				case 5 -> null;
				case 6 -> "";
				case 4 -> "grüße-" + b + "-" + i;
				default -> "value-" + b + "-" + i + "-" + "x".repeat((b * 31 + i * 17) % 300);
			};
			List<Header> headers = switch (i % 3) {
				case 0 -> List.of();
				case 1 -> List.of(new Header("trace", utf8("t-" + b + "-" + i)));
				default -> List.of(new Header("trace", utf8("t-" + b)), new Header("tenant", null));
			};
			records.add(new LogRecord(utf8(key), utf8(value), headers, FIRST_TIMESTAMP + b * 1000L + i));
		}
		return records;
	}

	/** The line DumpLogSegments prints for a record with {@code --deep-iteration --print-data-log}. */
	private static String recordLine(long offset, LogRecord record) {
		String headerKeys = record.headers().stream().map(Header::key).collect(Collectors.joining(",", "[", "]"));
		return "| offset: " + offset + " CreateTime: " + record.timestamp() + " keySize: " + size(record.key())
				+ " valueSize: " + size(record.value()) + " sequence: -1 headerKeys: " + headerKeys
				+ ((record.key() != null) ? " key: " + string(record.key()) : "")
				+ ((record.value() != null) ? " payload: " + string(record.value()) : "");
	}

	private static String batchLine(List<String> lines, long baseOffset) {
		return lines.stream()
			.filter(line -> line.startsWith("baseOffset: " + baseOffset + " "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No batch with base offset " + baseOffset + " in " + lines));
	}

	private static Path segmentFile(Path dir, long baseOffset, String suffix) {
		return dir.resolve(String.format("%020d%s", baseOffset, suffix));
	}

	private static int size(byte[] bytes) {
		return (bytes != null) ? bytes.length : -1;
	}

	private static byte[] utf8(String s) {
		return (s != null) ? s.getBytes(StandardCharsets.UTF_8) : null;
	}

	private static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * Runs the tool with deep iteration and data printing on the files, and asserts that it succeeds and reports
	 * no problem on standard error, where it reports every problem it finds (non-consecutive offsets, index
	 * entries that do not match the log). One report is expected and ignored: the tool starts its offset
	 * continuity check of every file at offset -1, so each segment whose base offset is not 0 gets
	 * "-1 is followed by &lt;base offset&gt;", as Kafka's own segments do.
	 * @return the lines printed for each file, keyed by file
	 */
	private Map<String, List<String>> dumpLogSegments(List<Path> files, List<Long> baseOffsets) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessResult dump = ProcessResult.run("DumpLogSegments", Duration.ofSeconds(120),
				List.of(java, "-Dfile.encoding=UTF-8", "-cp", toolClasspath(), TOOL, "--deep-iteration",
						"--print-data-log", "--files",
						files.stream().map(Path::toString).collect(Collectors.joining(","))),
				this.tmp);
		assertThat(dump.status()).as("DumpLogSegments exit status; stderr:%n%s", dump.stderr()).isZero();

		List<String> problems = new ArrayList<>();
		String file = null;
		for (String line : dump.stderr().lines().toList()) {
			if (line.startsWith("SLF4J: ")) {
				continue;
			}
			if (line.startsWith("Non-consecutive offsets in ")) {
				file = line.substring("Non-consecutive offsets in ".length());
				continue;
			}
			problems.add(((file != null && line.startsWith("  ")) ? file + ":" : "") + line);
		}
		List<String> expectedProblems = new ArrayList<>();
		for (long baseOffset : baseOffsets) {
			if (baseOffset != 0) {
				expectedProblems.add(files.get(0).getParent().resolve(String.format("%020d.log", baseOffset))
						+ ":  -1 is followed by " + baseOffset);
			}
		}
		assertThat(problems).as("problems DumpLogSegments reported")
			.containsExactlyInAnyOrderElementsOf(expectedProblems);

		Map<String, List<String>> dumped = new LinkedHashMap<>();
		List<String> section = null;
		for (String line : dump.stdout().lines().toList()) {
			if (line.startsWith("Dumping ")) {
				section = new ArrayList<>();
				dumped.put(line.substring("Dumping ".length()), section);
			}
			else {
				assertThat(section).as("section of line '%s'", line).isNotNull();
				section.add(line);
			}
		}
		return dumped;
	}

	/** Kafka-tools and its dependencies, resolved by Maven. */
	private static String toolClasspath() throws Exception {
		String classpath = ChildClasspath.resolve("kafka-tools");
		assertThat(classpath).as("kafka-tools classpath").contains("kafka-tools-4.3.1.jar");
		return classpath;
	}

	/**
	 * A batch appended and the offsets it got.
	 *
	 * @param result the offsets
	 * @param records the records, in order
	 */
	private record WrittenBatch(AppendResult result, List<LogRecord> records) {
	}

}
