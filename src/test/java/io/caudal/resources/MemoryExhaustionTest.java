package io.caudal.resources;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.caudal.support.ChildServer;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacks that ran a 256 MiB server out of memory before the budgets, each against one server in a child JVM
 * that exits on {@link OutOfMemoryError}: it must answer every request with a 2xx or a 4xx and stay healthy.
 */
class MemoryExhaustionTest {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@TempDir
	Path root;

	@Test
	void nestedBodiesSlowFetchesAndStalledSocketsDoNotExhaustTheHeap() throws Exception {
		try (ChildServer server = ChildServer.start(this.root.resolve("data"), "256m", 0)) {
			TestHttp http = server.http();
			assertThat(http.post("/topics", "{\"name\":\"big\",\"partitions\":1}").status()).isEqualTo(201);

			threeNestedProduceBodiesInParallel(server);
			assertHealthy(server);

			fillWith(http, "big", 9 << 20);
			seventySlowFetchesOf8MiB(server.port());
			assertHealthy(server);

			ninetyStalledSockets(server.port());
			assertHealthy(server);
		}
	}

	/** 16 MB of {@code [{},{},…]} as one value, three at once: refused while it streams, never parsed whole. */
	private static void threeNestedProduceBodiesInParallel(ChildServer server) {
		StringBuilder body = new StringBuilder(16_000_000).append("{\"records\":[{\"value\":[");
		while (body.length() < 15_900_000) {
			body.append("{},");
		}
		body.append("{}]}]}");
		byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
		List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			answers.add(CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port()
					+ "/topics/big/records"))
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(60))
				.POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
				.build(), HttpResponse.BodyHandlers.ofString()));
		}
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			HttpResponse<String> response;
			try {
				response = answer.join();
			}
			catch (CompletionException ex) {
				// The server answered and closed before reading the whole body, which is the point; the client
				// library, still sending, may not get to read the answer.
				assertThat(ex).hasRootCauseInstanceOf(IOException.class);
				continue;
			}
			assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
			assertThat(response.body()).contains("\"code\"");
		}
	}

	private static void fillWith(TestHttp http, String topic, int bytes) {
		String value = "x".repeat(500_000);
		for (int written = 0; written < bytes; written += 4 * value.length()) {
			assertThat(http.post("/topics/" + topic + "/records", "{\"records\":[{\"value\":\"" + value + "\"},{\"value\":\""
					+ value + "\"},{\"value\":\"" + value + "\"},{\"value\":\"" + value + "\"}]}").status()).isEqualTo(200);
		}
	}

	/** 70 fetches of up to 8 MiB each whose clients read nothing for a while: 560 MiB if all were held at once. */
	private static void seventySlowFetchesOf8MiB(int port) throws Exception {
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 70; i++) {
				Socket socket = new Socket("localhost", port);
				socket.setSoTimeout(120_000);
				OutputStream out = socket.getOutputStream();
				out.write(("GET /topics/big/partitions/0/records?offset=0&maxRecords=10000&maxBytes=8388608 HTTP/1.1\r\n"
						+ "Host: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
				out.flush();
				sockets.add(socket);
			}
			Thread.sleep(5000);
			for (Socket socket : sockets) {
				String head = readHead(socket.getInputStream());
				assertThat(head).as("a slow fetch's answer").matches("(?s)HTTP/1\\.1 (200|429) .*");
				socket.getInputStream().transferTo(OutputStream.nullOutputStream());
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
	}

	/** 90 sockets tailing records that expand six-fold as JSON (control characters), none of them reading. */
	private static void ninetyStalledSockets(int port) throws Exception {
		TestHttp http = new TestHttp(port);
		assertThat(http.post("/topics", "{\"name\":\"escaped\",\"partitions\":1}").status()).isEqualTo(201);
		String controls = "\\u0001".repeat(150_000);
		for (int i = 0; i < 12; i++) {
			assertThat(http.post("/topics/escaped/records", "{\"records\":[{\"value\":\"" + controls + "\"}]}")
				.status()).isEqualTo(200);
		}
		List<WebSocket> stalled = new ArrayList<>();
		for (int i = 0; i < 90; i++) {
			stalled.add(CLIENT.newWebSocketBuilder()
				.buildAsync(URI.create("ws://localhost:" + port + "/ws/topics/escaped?from=earliest&credit=10000"),
						new WebSocket.Listener() {
							@Override
							public void onOpen(WebSocket webSocket) {
								// Reads nothing: the server's frames back up.
							}
						})
				.orTimeout(10, TimeUnit.SECONDS)
				.join());
		}
		Thread.sleep(5000);
		stalled.forEach(WebSocket::abort);
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int b;
		while ((b = in.read()) >= 0) {
			head.append((char) b);
			if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
				break;
			}
		}
		return head.toString();
	}

	private static void assertHealthy(ChildServer server) {
		assertThat(server.isAlive()).as("the server is alive; its output:\n%s", server.output()).isTrue();
		assertThat(server.http().get("/actuator/health").status()).isEqualTo(200);
		assertThat(server.output()).doesNotContain("OutOfMemoryError");
	}

}
