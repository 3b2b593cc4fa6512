package io.caudal.fuzz;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.caudal.support.TestHttp;
import tools.jackson.databind.JsonNode;

/** A WebSocket client that notes what a fuzzer must not see: error frames without a code, closes with 1011. */
final class FuzzSocket {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private final List<String> problems = new CopyOnWriteArrayList<>();

	private final String path;

	private volatile Integer closeCode;

	private WebSocket socket;

	private FuzzSocket(String path) {
		this.path = path;
	}

	/** @param key sent as a bearer token on the handshake, or null */
	static FuzzSocket open(int port, String path, String key) {
		FuzzSocket fuzz = new FuzzSocket(path);
		WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		if (key != null) {
			builder.header("Authorization", "Bearer " + key);
		}
		fuzz.socket = builder
			.buildAsync(URI.create("ws://localhost:" + port + path), fuzz.new Listener())
			.orTimeout(10, TimeUnit.SECONDS)
			.join();
		return fuzz;
	}

	/** Sends a text frame; a socket the server is closing refuses it, which the next check notices. */
	void send(String text) {
		try {
			this.socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
		}
		catch (RuntimeException ex) {
			if (this.closeCode == null) {
				this.closeCode = 1006;
			}
		}
	}

	Integer closeCode() {
		return this.closeCode;
	}

	List<String> problems() {
		return List.copyOf(this.problems);
	}

	void close() {
		this.socket.abort();
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder partial = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				JsonNode message = TestHttp.parse(this.partial.toString());
				this.partial.setLength(0);
				if (message.get("type").asString().equals("error")
						&& (message.get("code") == null || message.get("code").asString().isEmpty())) {
					FuzzSocket.this.problems.add(FuzzSocket.this.path + ": error without a code: " + message);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			FuzzSocket.this.closeCode = statusCode;
			if (statusCode == 1011) {
				FuzzSocket.this.problems.add(FuzzSocket.this.path + ": closed with 1011: " + reason);
			}
			return null;
		}

	}

}
