package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads {@code expected} records from a Server-Sent Events stream
 * ({@code GET /topics/{topic}/events?from=earliest}, {@code text/event-stream}): events
 * {@code records} whose {@code data:} line is the fetch shape, {@code {"records":[…]}}. The stream
 * is read line by line, and a records event's records are counted by their {@code "offset":} keys
 * ({@link PatternCounter}), when the blank line that ends the event comes: one string per line,
 * nothing parsed or built per record, as {@link SocketConsumer}. An {@code error} event ends the
 * read; other events ({@code skip}) and fields ({@code id:}, comments) are passed over. Bounded by
 * the expected count and by {@code timeout-ms}.
 */
final class EventStreamConsumer {

	static void run(Options options) throws Exception {
		URI uri = URI.create(options.string("sse-url"));
		long expected = options.number("expected");
		int recordSize = options.integer("record-size", 100);
		long timeoutMs = options.number("timeout-ms", 120_000);
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build();
		long start = System.nanoTime();
		HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
		if (response.statusCode() != 200) {
			System.err.println("GET " + uri + " answered " + response.statusCode() + ".");
			System.exit(1);
		}
		Reader reader = new Reader(response.body().iterator(), expected);
		Thread thread = new Thread(reader, "sse-reader");
		thread.setDaemon(true);
		thread.start();
		boolean complete = reader.done.await(timeoutMs, TimeUnit.MILLISECONDS) && reader.records >= expected;
		double seconds = (reader.lastRecordNanos - start) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", reader.records);
		result.put("events", reader.events);
		result.put("complete", complete);
		result.put("seconds", String.format("%.3f", seconds));
		result.put("recordsPerSec", Results.fixed(reader.records / seconds));
		result.put("mibPerSec", String.format("%.2f", reader.records * (double) recordSize / seconds / (1 << 20)));
		result.put("wireMibPerSec", String.format("%.2f", reader.chars / seconds / (1 << 20)));
		Results.print(result);
		if (!complete) {
			System.err.println("The stream " + ((reader.failure != null) ? "failed: " + reader.failure
					: "brought " + reader.records + " of " + expected + " records in " + timeoutMs + " ms."));
		}
		System.exit(complete ? 0 : 1);
	}

	private static final class Reader implements Runnable {

		private final Iterator<String> lines;

		private final long expected;

		private final PatternCounter offsets = new PatternCounter("\"offset\":");

		/** The current event's type: "message" until an {@code event:} field says otherwise. */
		private String eventType = "message";

		private long eventRecords;

		private String eventData;

		final CountDownLatch done = new CountDownLatch(1);

		volatile String failure;

		volatile long records;

		volatile long events;

		volatile long chars;

		volatile long lastRecordNanos = System.nanoTime();

		Reader(Iterator<String> lines, long expected) {
			this.lines = lines;
			this.expected = expected;
		}

		@Override
		public void run() {
			try {
				while (this.records < this.expected && this.failure == null && this.lines.hasNext()) {
					line(this.lines.next());
				}
				if (this.records < this.expected && this.failure == null) {
					this.failure = "the server ended it";
				}
			}
			catch (RuntimeException ex) {
				this.failure = ex.toString();
			}
			finally {
				this.done.countDown();
			}
		}

		/** A field is "name: value" or "name:value", the event before the data; a blank line ends the event. */
		private void line(String line) {
			this.chars += line.length() + 1;
			if (line.isEmpty()) {
				dispatch();
			}
			else if (line.startsWith("data:")) {
				if (this.eventType.equals("records")) {
					this.eventRecords += this.offsets.count(line);
				}
				else {
					this.eventData = line;
				}
			}
			else if (line.startsWith("event:")) {
				this.eventType = line.substring(line.startsWith("event: ") ? 7 : 6);
			}
		}

		private void dispatch() {
			switch (this.eventType) {
				case "records" -> {
					this.records += this.eventRecords;
					this.events++;
					this.lastRecordNanos = System.nanoTime();
				}
				case "error" -> this.failure = "the server sent an error event: " + this.eventData;
				default -> {
				}
			}
			this.eventType = "message";
			this.eventRecords = 0;
			this.eventData = null;
		}

	}

	private EventStreamConsumer() {
	}

}
