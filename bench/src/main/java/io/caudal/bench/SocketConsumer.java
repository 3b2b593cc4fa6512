package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads {@code expected} records over one WebSocket ({@code /ws/groups/…} as a group member, or
 * {@code /ws/topics/…} as a tail), keeping the server's credit topped up: each {@code records}
 * frame's records are counted and given back as credit once half the initial grant has been read.
 * No more work per record than Kafka's ConsumerPerformance: the text is scanned as it arrives for
 * the records' {@code "offset":} keys ({@link PatternCounter}), never parsed or copied whole.
 * Bounded by the expected count and by {@code timeout-ms}.
 */
final class SocketConsumer {

	static void run(Options options) throws Exception {
		URI uri = URI.create(options.string("ws-url"));
		long expected = options.number("expected");
		long credit = options.number("credit", 10_000);
		int recordSize = options.integer("record-size", 100);
		long timeoutMs = options.number("timeout-ms", 120_000);
		Listener listener = new Listener(expected, credit);
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		long start = System.nanoTime();
		WebSocket socket = client.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(uri, listener)
			.get(10, TimeUnit.SECONDS);
		boolean complete = listener.done.await(timeoutMs, TimeUnit.MILLISECONDS) && listener.failure.get() == null
				&& listener.records >= expected;
		double seconds = (listener.lastRecordNanos - start) / 1e9;
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", listener.records);
		result.put("frames", listener.frames);
		result.put("complete", complete);
		result.put("seconds", String.format("%.3f", seconds));
		result.put("recordsPerSec", Results.fixed(listener.records / seconds));
		result.put("mibPerSec", String.format("%.2f", listener.records * (double) recordSize / seconds / (1 << 20)));
		result.put("wireMibPerSec", String.format("%.2f", listener.chars / seconds / (1 << 20)));
		Results.print(result);
		if (listener.failure.get() != null) {
			System.err.println("The socket failed: " + listener.failure.get());
		}
		System.exit(complete ? 0 : 1);
	}

	private static final class Listener implements WebSocket.Listener {

		private static final String RECORDS = "{\"type\":\"records\"";

		private static final String ERROR = "{\"type\":\"error\"";

		/** Enough of a message's start to tell its type, and to quote an error. */
		private static final int HEAD_CHARS = 200;

		private final long expected;

		private final long grant;

		private final PatternCounter offsets = new PatternCounter("\"offset\":");

		private final StringBuilder head = new StringBuilder(HEAD_CHARS);

		private long messageRecords;

		private CompletableFuture<WebSocket> sending;

		private long ungranted;

		final CountDownLatch done = new CountDownLatch(1);

		final AtomicReference<String> failure = new AtomicReference<>();

		volatile long records;

		volatile long frames;

		volatile long chars;

		volatile long lastRecordNanos = System.nanoTime();

		Listener(long expected, long grant) {
			this.expected = expected;
			this.grant = grant;
		}

		@Override
		public void onOpen(WebSocket socket) {
			this.sending = CompletableFuture.completedFuture(socket);
			socket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			if (this.head.length() < HEAD_CHARS) {
				this.head.append(data, 0, Math.min(data.length(), HEAD_CHARS - this.head.length()));
			}
			this.messageRecords += this.offsets.count(data);
			this.chars += data.length();
			if (last) {
				handle(socket);
				this.head.setLength(0);
				this.messageRecords = 0;
			}
			socket.request(1);
			return null;
		}

		private void handle(WebSocket socket) {
			this.frames++;
			if (!Results.startsWith(this.head, RECORDS)) {
				if (Results.startsWith(this.head, ERROR)) {
					this.failure.set(this.head.toString());
					this.done.countDown();
				}
				return;
			}
			this.records += this.messageRecords;
			this.lastRecordNanos = System.nanoTime();
			this.ungranted += this.messageRecords;
			if (this.records >= this.expected) {
				this.done.countDown();
			}
			else if (this.ungranted >= this.grant / 2) {
				String grant = "{\"type\":\"credit\",\"records\":" + this.ungranted + "}";
				this.ungranted = 0;
				this.sending = this.sending.thenCompose(s -> s.sendText(grant, true));
			}
		}

		@Override
		public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
			if (this.records < this.expected) {
				this.failure.compareAndSet(null, "closed by the server with " + statusCode + " " + reason);
			}
			this.done.countDown();
			return null;
		}

		@Override
		public void onError(WebSocket socket, Throwable error) {
			this.failure.compareAndSet(null, error.toString());
			this.done.countDown();
		}

	}

	private SocketConsumer() {
	}

}
