package io.caudal.resources;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.caudal.log.AppendResult;
import io.caudal.log.LogConfig;
import io.caudal.log.LogRecord;
import io.caudal.log.LogWriter;
import io.caudal.log.OpenFiles;
import io.caudal.log.PartitionLog;
import io.caudal.support.ChildServer;
import io.caudal.support.TestHttp;
import io.caudal.time.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server with many partitions, each with many old segments, starts and serves under an open-file limit far below
 * what keeping every segment open would take, and starts again after a stop.
 */
class OpenFileLimitTest {

	private static final int PARTITIONS = 640;

	private static final int OLD_BATCHES = 6;

	/** What the repro used, and well below 3 files for each of 640 active segments. */
	private static final int OPEN_FILE_LIMIT = 1024;

	@TempDir
	Path tmp;

	@Test
	void manyPartitionsOfManySegmentsStartAndServeUnderALowOpenFileLimit() throws Exception {
		Path data = this.tmp.resolve("data");
		try (ChildServer server = ChildServer.start(data, "256m", 0)) {
			assertThat(server.http().post("/topics", "{\"name\":\"wide\",\"partitions\":" + PARTITIONS + "}").status())
				.isEqualTo(201);
			server.stop();
		}
		writeOldSmallSegments(data);

		try (ChildServer server = ChildServer.start(data, "256m", OPEN_FILE_LIMIT)) {
			TestHttp http = server.http();
			for (int partition = 0; partition < PARTITIONS; partition++) {
				TestHttp.Response read = http.get("/topics/wide/partitions/" + partition + "/records?offset=0");
				assertThat(read.status()).as("read of partition %d", partition).isEqualTo(200);
				assertThat(read.json().get("records").size()).isEqualTo(OLD_BATCHES);
			}
			StringBuilder records = new StringBuilder();
			for (int partition = 0; partition < PARTITIONS; partition++) {
				records.append(records.isEmpty() ? "" : ",").append("{\"value\":\"new\",\"partition\":").append(partition)
					.append('}');
			}
			assertThat(http.post("/topics/wide/records", "{\"records\":[" + records + "]}").status()).isEqualTo(200);
			double open = http.get("/actuator/metrics/caudal.log.files.open").json().get("measurements").get(0)
				.get("value").asDouble();
			assertThat(open).as("partition files open").isLessThan(OPEN_FILE_LIMIT / 2);
			server.stop();
			assertThat(server.output()).doesNotContain("Too many open files").contains("Open files: the process may open");
		}

		try (ChildServer server = ChildServer.start(data, "256m", OPEN_FILE_LIMIT)) {
			TestHttp.Response read = server.http().get("/topics/wide/partitions/" + (PARTITIONS - 1) + "/records?offset=0");
			assertThat(read.json().get("records").size()).isEqualTo(OLD_BATCHES + 1);
			server.stop();
			assertThat(server.output()).doesNotContain("Too many open files");
		}
	}

	/** Fills every partition with segments of one batch each, as the 1 KiB segments allowed before did. */
	private static void writeOldSmallSegments(Path data) throws Exception {
		LogConfig smallSegments = new LogConfig(1024, 1 << 20, 0, -1, -1, 4096, LogConfig.DEFAULT_SEGMENT_INDEX_BYTES);
		byte[] value = ("\"" + "o".repeat(700) + "\"").getBytes(StandardCharsets.UTF_8);
		OpenFiles files = new OpenFiles(64);
		try (LogWriter writer = new LogWriter(2)) {
			for (int partition = 0; partition < PARTITIONS; partition++) {
				try (PartitionLog log = PartitionLog.open(data.resolve("wide-" + partition), "wide-" + partition,
						smallSegments, Time.SYSTEM, writer, files)) {
					List<CompletableFuture<AppendResult>> appended = new ArrayList<>();
					for (int batch = 0; batch < OLD_BATCHES; batch++) {
						appended.add(log.append(List.of(new LogRecord(null, value, List.of(), System.currentTimeMillis()))));
					}
					appended.forEach(CompletableFuture::join);
				}
			}
		}
	}

}
