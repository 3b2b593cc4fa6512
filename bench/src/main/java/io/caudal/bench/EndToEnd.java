package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * End-to-end latency: a WebSocket tails the topic from {@code latest}; one record per HTTP request
 * is produced on the {@link OpenLoop} schedule; each record's value carries its due time, and its
 * latency is taken when a {@code records} frame brings it back. A warm-up first, not measured. The
 * produce answer's latency is kept too, to tell the write from the push. {@link KafkaEndToEnd} is
 * Kafka's side. With {@code tail-url}, the WebSocket tails the topic through that node while the
 * records are produced through {@code url}: the latency across two nodes of one cluster.
 */
final class EndToEnd {

	static void run(Options options) throws Exception {
		String url = options.string("url");
		String topic = options.string("topic");
		int rate = options.integer("rate", 500);
		long warmupMs = options.number("warmup-ms", 2000);
		long durationMs = options.number("duration-ms", 10_000);
		int recordSize = options.integer("record-size", 100);
		URI produce = URI.create(url + "/topics/" + topic + "/records");
		URI tail = URI.create(options.string("tail-url", url).replaceFirst("^http", "ws") + "/ws/topics/" + topic + "?from=latest&credit=10000");

		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		long periodNanos = 1_000_000_000L / rate;
		long total = rate * (warmupMs + durationMs) / 1000;
		Tail listener = new Tail();
		WebSocket socket = client.newWebSocketBuilder().buildAsync(tail, listener).get(10, TimeUnit.SECONDS);
		// The tail takes its position (latest) as the socket opens; start a little after that.
		long startNanos = OpenLoop.now() + 500_000_000L;
		long measureFrom = startNanos + warmupMs * 1_000_000;
		listener.measureFrom = measureFrom;

		Histogram answered = Results.histogram();
		AtomicLong errors = new AtomicLong();
		AtomicLong inFlight = new AtomicLong();
		// The stored value is the JSON string: its quotes and recordSize - 2 characters.
		String letters = Results.letters(recordSize, 7);
		OpenLoop.run(startNanos, periodNanos, total, due -> {
			byte[] body = ("{\"records\":[{\"value\":\"" + OpenLoop.value(due, letters, recordSize - 2) + "\"}]}")
				.getBytes(StandardCharsets.UTF_8);
			HttpRequest request = HttpRequest.newBuilder(produce)
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(30))
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build();
			inFlight.incrementAndGet();
			boolean measured = due >= measureFrom;
			client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
				inFlight.decrementAndGet();
				if (failure != null || response.statusCode() != 200) {
					errors.incrementAndGet();
				}
				else if (measured) {
					synchronized (answered) {
						Results.record(answered, OpenLoop.now() - due);
					}
				}
			});
		});
		long deadline = System.nanoTime() + 10_000_000_000L;
		while ((listener.received < total || inFlight.get() > 0) && System.nanoTime() < deadline) {
			LockSupport.parkNanos(10_000_000);
		}
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

		Map<String, Object> result = new LinkedHashMap<>();
		result.put("sent", total);
		result.put("received", listener.received);
		result.put("errors", errors.get());
		result.put("rate", rate);
		synchronized (listener.latency) {
			result.putAll(Results.latencies(listener.latency));
		}
		synchronized (answered) {
			result.put("produceP50Ms", Results.ms(answered.getValueAtPercentile(50)));
			result.put("produceP99Ms", Results.ms(answered.getValueAtPercentile(99)));
		}
		Results.print(result);
		System.exit((listener.received == total && errors.get() == 0) ? 0 : 1);
	}

	private static final class Tail implements WebSocket.Listener {

		volatile long measureFrom = Long.MAX_VALUE;

		private final StringBuilder message = new StringBuilder();

		private CompletableFuture<WebSocket> sending;

		private long ungranted;

		final Histogram latency = Results.histogram();

		volatile long received;

		@Override
		public void onOpen(WebSocket socket) {
			this.sending = CompletableFuture.completedFuture(socket);
			socket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			this.message.append(data);
			if (last) {
				handle(socket, this.message, OpenLoop.now());
				this.message.setLength(0);
			}
			socket.request(1);
			return null;
		}

		private void handle(WebSocket socket, CharSequence text, long now) {
			String key = "\"value\":\"";
			int count = 0;
			for (int i = indexOf(text, key, 0); i >= 0; i = indexOf(text, key, i + key.length())) {
				long due = OpenLoop.due(text, i + key.length());
				if (due >= this.measureFrom) {
					synchronized (this.latency) {
						Results.record(this.latency, now - due);
					}
				}
				count++;
			}
			this.received += count;
			this.ungranted += count;
			if (this.ungranted >= 1000) {
				String grant = "{\"type\":\"credit\",\"records\":" + this.ungranted + "}";
				this.ungranted = 0;
				this.sending = this.sending.thenCompose(s -> s.sendText(grant, true));
			}
		}

		private static int indexOf(CharSequence text, String key, int from) {
			outer: for (int i = from; i <= text.length() - key.length(); i++) {
				for (int j = 0; j < key.length(); j++) {
					if (text.charAt(i + j) != key.charAt(j)) {
						continue outer;
					}
				}
				return i;
			}
			return -1;
		}

	}

	private EndToEnd() {
	}

}
