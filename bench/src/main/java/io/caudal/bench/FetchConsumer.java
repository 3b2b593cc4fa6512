package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.HdrHistogram.Histogram;

/**
 * Reads every partition of a topic from offset 0 to its end over HTTP fetch, one reader thread per
 * partition, each with one request in flight (as a Kafka consumer fetches all its partitions at
 * once). No more work per record than Kafka's ConsumerPerformance: each answer is taken as bytes
 * and its records counted from the {@code nextOffset} it ends with (offsets are dense in these
 * topics), with no parsing and nothing built per record. Bounded by the end offset each answer
 * reports and by {@code timeout-ms}. The reader of partition p asks node p mod n of the
 * comma-separated {@code url}.
 */
final class FetchConsumer {

	private static final byte[] NEXT_OFFSET = "\"nextOffset\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END_OFFSET = "\"endOffset\":".getBytes(StandardCharsets.US_ASCII);

	static void run(Options options) throws Exception {
		String[] urls = options.string("url").split(",");
		String path = "/topics/" + options.string("topic") + "/partitions/";
		int partitions = options.integer("partitions", 1);
		int maxRecords = options.integer("max-records", 10_000);
		long maxBytes = options.number("max-bytes", 8L << 20);
		int recordSize = options.integer("record-size", 100);
		long timeoutMs = options.number("timeout-ms", 120_000);
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + timeoutMs * 1_000_000;
		CountDownLatch go = new CountDownLatch(1);
		List<Reader> readers = new ArrayList<>();
		for (int p = 0; p < partitions; p++) {
			Reader reader = new Reader(client, urls[p % urls.length] + path + p + "/records?maxRecords=" + maxRecords + "&maxBytes=" + maxBytes
					+ "&offset=", go, deadline);
			reader.thread = new Thread(reader, "fetch-" + p);
			reader.thread.start();
			readers.add(reader);
		}
		long start = System.nanoTime();
		go.countDown();
		Histogram latency = Results.histogram();
		long records = 0;
		long wireBytes = 0;
		long requests = 0;
		boolean complete = true;
		for (Reader reader : readers) {
			reader.thread.join(timeoutMs + 60_000);
			latency.add(reader.latency);
			records += reader.records;
			wireBytes += reader.wireBytes;
			requests += reader.requests;
			complete &= reader.reachedEnd;
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", records);
		result.put("requests", requests);
		result.put("complete", complete);
		result.put("seconds", String.format("%.3f", seconds));
		result.put("recordsPerSec", Results.fixed(records / seconds));
		result.put("mibPerSec", String.format("%.2f", records * (double) recordSize / seconds / (1 << 20)));
		result.put("wireMibPerSec", String.format("%.2f", wireBytes / seconds / (1 << 20)));
		result.putAll(Results.latencies(latency));
		Results.print(result);
		if (!complete) {
			System.exit(1);
		}
	}

	private static final class Reader implements Runnable {

		private final HttpClient client;

		private final String url;

		private final CountDownLatch go;

		private final long deadline;

		final Histogram latency = Results.histogram();

		Thread thread;

		long records;

		long wireBytes;

		long requests;

		boolean reachedEnd;

		Reader(HttpClient client, String url, CountDownLatch go, long deadline) {
			this.client = client;
			this.url = url;
			this.go = go;
			this.deadline = deadline;
		}

		@Override
		public void run() {
			try {
				this.go.await();
				long offset = 0;
				while (System.nanoTime() < this.deadline) {
					HttpRequest request = HttpRequest.newBuilder(URI.create(this.url + offset))
						.timeout(Duration.ofSeconds(30))
						.build();
					long start = System.nanoTime();
					HttpResponse<byte[]> response = this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
					Results.record(this.latency, System.nanoTime() - start);
					byte[] body = response.body();
					if (response.statusCode() != 200) {
						throw new IllegalStateException("Fetch answered " + response.statusCode() + ": "
								+ new String(body, StandardCharsets.UTF_8));
					}
					long next = Results.lastNumberAfter(body, NEXT_OFFSET);
					long end = Results.lastNumberAfter(body, END_OFFSET);
					if (next <= offset && offset < end) {
						throw new IllegalStateException("Fetch from offset " + offset + " made no progress: nextOffset "
								+ next + ", endOffset " + end + ".");
					}
					this.records += next - offset;
					this.wireBytes += body.length;
					this.requests++;
					offset = next;
					if (offset >= end) {
						this.reachedEnd = true;
						return;
					}
				}
				System.err.println(this.thread.getName() + " timed out at offset " + offset + ".");
			}
			catch (Exception ex) {
				System.err.println(this.thread.getName() + " failed: " + ex);
			}
		}

	}

	private FetchConsumer() {
	}

}
