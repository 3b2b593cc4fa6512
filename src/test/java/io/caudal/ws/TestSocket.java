package io.caudal.ws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.caudal.support.TestHttp;
import tools.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/**
 * A real WebSocket client (the JDK's) for full-stack tests: it keeps every message it receives,
 * parsed, and how the socket closed. A stalled one reads nothing after the handshake, so the
 * server's writes back up as with a client that stopped reading.
 */
public final class TestSocket implements AutoCloseable {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private final List<JsonNode> messages = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Closed> closed = new CompletableFuture<>();

	private final WebSocket socket;

	private TestSocket(URI uri, boolean stalled, Map<String, String> headers) {
		WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		headers.forEach(builder::header);
		this.socket = builder.buildAsync(uri, new Listener(stalled)).orTimeout(10, TimeUnit.SECONDS).join();
	}

	/** Opens a socket whose handshake carries {@code headers} (Authorization, Cookie, ...). */
	public static TestSocket withHeaders(int port, String path, Map<String, String> headers) {
		return new TestSocket(URI.create("ws://localhost:" + port + path), false, headers);
	}

	/** Opens a socket on {@code ws://localhost:port + path}. */
	static TestSocket open(int port, String path) {
		return new TestSocket(URI.create("ws://localhost:" + port + path), false, Map.of());
	}

	/** Opens a socket that never reads after the handshake. */
	static TestSocket stalled(int port, String path) {
		return new TestSocket(URI.create("ws://localhost:" + port + path), true, Map.of());
	}

	/** Opens a socket as a page of {@code origin} would. */
	static TestSocket fromOrigin(int port, String path, String origin) {
		return new TestSocket(URI.create("ws://localhost:" + port + path), false, Map.of("Origin", origin));
	}

	public void send(String text) {
		this.socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
	}

	public void grant(int records) {
		send("{\"type\":\"credit\",\"records\":" + records + "}");
	}

	List<JsonNode> messages() {
		return List.copyOf(this.messages);
	}

	/** The records of every {@code records} message so far, in arrival order. */
	public List<JsonNode> records() {
		List<JsonNode> records = new ArrayList<>();
		for (JsonNode message : this.messages) {
			if (message.get("type").asString().equals("records")) {
				message.get("records").forEach(records::add);
			}
		}
		return records;
	}

	public List<JsonNode> errors() {
		return ofType("error");
	}

	/** The messages of one {@code type} so far, in arrival order. */
	List<JsonNode> ofType(String type) {
		return this.messages.stream().filter(message -> message.get("type").asString().equals(type)).toList();
	}

	/** Waits until the last message of a {@code type} matches, and returns it. */
	public JsonNode awaitLast(String type, Predicate<JsonNode> matching) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			List<JsonNode> sent = ofType(type);
			return !sent.isEmpty() && matching.test(sent.get(sent.size() - 1));
		});
		List<JsonNode> sent = ofType(type);
		return sent.get(sent.size() - 1);
	}

	/** Waits until at least {@code count} records arrived and returns them all. */
	public List<JsonNode> awaitRecords(int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> records().size() >= count);
		return records();
	}

	/** Waits until at least {@code count} error messages arrived and returns them all. */
	List<JsonNode> awaitErrors(int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> errors().size() >= count);
		return errors();
	}

	/** Waits for the socket to close and tells how. */
	public Closed awaitClose() {
		return awaitClose(Duration.ofSeconds(10));
	}

	/**
	 * Waits at most {@code timeout} for the socket to close and tells how.
	 * @throws java.util.concurrent.CompletionException when it is still open
	 */
	public Closed awaitClose(Duration timeout) {
		return this.closed.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	public boolean isClosed() {
		return this.closed.isDone();
	}

	/** Closes with 1000 and waits for the server's answering close. */
	Closed closeNormally() {
		this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).join();
		return awaitClose();
	}

	/** Drops the connection without a close frame, as a crashed client or a cut network would. */
	void abort() {
		this.socket.abort();
	}

	@Override
	public void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
		}
		this.socket.abort();
	}

	/** How the socket closed; code 1006 when the connection dropped without a close frame. */
	public record Closed(int code, String reason) {
	}

	private final class Listener implements WebSocket.Listener {

		private final boolean stalled;

		private final StringBuilder partial = new StringBuilder();

		Listener(boolean stalled) {
			this.stalled = stalled;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			if (!this.stalled) {
				webSocket.request(1);
			}
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				TestSocket.this.messages.add(TestHttp.parse(this.partial.toString()));
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			TestSocket.this.closed.complete(new Closed(statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			TestSocket.this.closed.complete(new Closed(1006, String.valueOf(error)));
		}

	}

}
