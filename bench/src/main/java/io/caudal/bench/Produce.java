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
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * HTTP produce: {@code producers} threads, each sending one request at a time of {@code batch}
 * unkeyed records whose stored value is exactly {@code record-size} bytes (a JSON string of
 * capital letters). A warm-up, then a measured window; every thread stops at the end of the window
 * or when {@code max-records} have been sent, whichever comes first. Latency is per request, from
 * send to the durable answer. Producer i sends to node i mod n of the comma-separated {@code url}.
 */
final class Produce {

	static void run(Options options) throws Exception {
		String[] urls = options.string("url").split(",");
		String path = "/topics/" + options.string("topic") + "/records";
		int producers = options.integer("producers", 1);
		int batch = options.integer("batch", 1);
		int recordSize = options.integer("record-size", 100);
		long warmupMs = options.number("warmup-ms", 1000);
		long durationMs = options.number("duration-ms", 5000);
		AtomicLong budget = new AtomicLong(options.number("max-records", 100_000_000L));
		byte[] body = body(batch, recordSize);
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();

		long startNanos = System.nanoTime();
		long measureFrom = startNanos + warmupMs * 1_000_000;
		long measureUntil = measureFrom + durationMs * 1_000_000;
		List<Worker> workers = new ArrayList<>();
		for (int i = 0; i < producers; i++) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(urls[i % urls.length] + path))
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(60))
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build();
			Worker worker = new Worker(client, request, batch, budget, measureFrom, measureUntil);
			worker.thread = new Thread(worker, "producer-" + i);
			workers.add(worker);
			worker.thread.start();
		}
		Histogram latency = Results.histogram();
		long records = 0;
		long requests = 0;
		long errors = 0;
		long lastEnd = measureFrom;
		for (Worker worker : workers) {
			worker.thread.join(warmupMs + durationMs + 120_000);
			if (worker.thread.isAlive()) {
				throw new IllegalStateException(worker.thread.getName() + " did not finish in time.");
			}
			latency.add(worker.latency);
			records += worker.records;
			requests += worker.requests;
			errors += worker.errors;
			lastEnd = Math.max(lastEnd, worker.lastEnd);
		}
		double seconds = (lastEnd - measureFrom) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", records);
		result.put("requests", requests);
		result.put("errors", errors);
		result.put("seconds", String.format("%.3f", seconds));
		result.put("recordsPerSec", Results.fixed(records / seconds));
		result.put("mibPerSec", String.format("%.2f", records * (double) recordSize / seconds / (1 << 20)));
		result.putAll(Results.latencies(latency));
		Results.print(result);
		if (records == 0 || errors > 0) {
			System.exit(1);
		}
	}

	/** {@code {"records":[{"value":"ABC…"},…]}}: each value's compact JSON text is recordSize bytes. */
	static byte[] body(int batch, int recordSize) {
		StringBuilder json = new StringBuilder(batch * (recordSize + 16) + 16).append("{\"records\":[");
		for (int i = 0; i < batch; i++) {
			json.append((i == 0) ? "" : ",").append("{\"value\":\"").append(Results.letters(recordSize - 2, i)).append("\"}");
		}
		return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
	}

	private static final class Worker implements Runnable {

		private final HttpClient client;

		private final HttpRequest request;

		private final int batch;

		private final AtomicLong budget;

		private final long measureFrom;

		private final long measureUntil;

		final Histogram latency = Results.histogram();

		Thread thread;

		long records;

		long requests;

		long errors;

		long lastEnd;

		Worker(HttpClient client, HttpRequest request, int batch, AtomicLong budget, long measureFrom,
				long measureUntil) {
			this.client = client;
			this.request = request;
			this.batch = batch;
			this.budget = budget;
			this.measureFrom = measureFrom;
			this.measureUntil = measureUntil;
		}

		@Override
		public void run() {
			while (System.nanoTime() < this.measureUntil && this.budget.addAndGet(-this.batch) >= 0
					&& this.errors < 10) {
				long start = System.nanoTime();
				try {
					HttpResponse<byte[]> response = this.client.send(this.request, HttpResponse.BodyHandlers.ofByteArray());
					long end = System.nanoTime();
					if (response.statusCode() != 200) {
						this.errors++;
						System.err.println("Produce answered " + response.statusCode() + ": "
								+ new String(response.body(), StandardCharsets.UTF_8));
						continue;
					}
					if (end >= this.measureFrom) {
						Results.record(this.latency, end - start);
						this.records += this.batch;
						this.requests++;
						this.lastEnd = end;
					}
				}
				catch (Exception ex) {
					this.errors++;
					System.err.println("Produce failed: " + ex);
				}
			}
		}

	}

	private Produce() {
	}

}
