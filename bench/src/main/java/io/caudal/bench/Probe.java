package io.caudal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Prints {@code yes} if a WebSocket handshake on {@code ws-url} succeeds within 5 s, else {@code no}. */
final class Probe {

	static void run(Options options) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		try {
			WebSocket socket = client.newWebSocketBuilder()
				.buildAsync(URI.create(options.string("ws-url")), new WebSocket.Listener() {
				})
				.get(5, TimeUnit.SECONDS);
			socket.sendClose(WebSocket.NORMAL_CLOSURE, "probe").get(5, TimeUnit.SECONDS);
			System.out.println("yes");
		}
		catch (Exception ex) {
			System.out.println("no");
		}
		System.exit(0);
	}

	private Probe() {
	}

}
