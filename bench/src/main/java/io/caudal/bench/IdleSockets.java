package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens {@code count} WebSockets ({@code {i}} in the URL is replaced by the socket's number), at
 * most 32 handshakes at a time, prints {@code OPEN opened=N failed=M} once they are open, holds
 * them idle for {@code hold-ms} or until {@code stop-file} exists (answering pings, reading whatever comes), then closes them and
 * prints the {@code RESULT} line. run.sh measures the server while they are held.
 */
final class IdleSockets {

	static void run(Options options) throws Exception {
		String template = options.string("ws-url");
		int count = options.integer("count", 1000);
		long holdMs = options.number("hold-ms", 10_000);
		Path stopFile = Path.of(options.string("stop-file", "idle.stop"));
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		AtomicLong frames = new AtomicLong();
		AtomicLong closedByServer = new AtomicLong();
		Semaphore handshakes = new Semaphore(32);
		List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			handshakes.acquire();
			URI uri = URI.create(template.replace("{i}", Integer.toString(i)));
			CompletableFuture<WebSocket> socket = client.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(10))
				.buildAsync(uri, new WebSocket.Listener() {
					@Override
					public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
						frames.incrementAndGet();
						webSocket.request(1);
						return null;
					}

					@Override
					public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
						closedByServer.incrementAndGet();
						System.err.println("A socket was closed by the server: " + statusCode + " " + reason);
						return null;
					}
				});
			socket.whenComplete((ws, failure) -> handshakes.release());
			opening.add(socket);
		}
		List<WebSocket> sockets = new ArrayList<>();
		int failed = 0;
		for (CompletableFuture<WebSocket> socket : opening) {
			try {
				sockets.add(socket.get(30, TimeUnit.SECONDS));
			}
			catch (Exception ex) {
				if (failed++ == 0) {
					System.err.println("A socket failed to open: " + ex);
				}
			}
		}
		double openSeconds = (System.nanoTime() - start) / 1e9;
		System.out.println("OPEN opened=" + sockets.size() + " failed=" + failed);
		System.out.flush();
		long holdUntil = System.nanoTime() + holdMs * 1_000_000;
		while (System.nanoTime() < holdUntil && !Files.exists(stopFile)) {
			Thread.sleep(100);
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("opened", sockets.size());
		result.put("failed", failed);
		result.put("openSeconds", String.format("%.2f", openSeconds));
		result.put("closedByServer", closedByServer.get());
		result.put("frames", frames.get());
		Results.print(result);
		List<CompletableFuture<WebSocket>> closing = new ArrayList<>();
		for (WebSocket socket : sockets) {
			closing.add(socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(ex -> null));
		}
		CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		System.exit(failed == 0 ? 0 : 1);
	}

	private IdleSockets() {
	}

}
