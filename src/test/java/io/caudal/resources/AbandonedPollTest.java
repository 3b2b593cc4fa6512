package io.caudal.resources;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.caudal.support.ChildServer;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that send a long poll and go away: each one held its slot, its signals and its connection's file until the
 * wait ran out (30 seconds), so a few rounds of them used up the process's open files under a low limit. The server
 * runs in a child JVM with {@code ulimit -n 512}; each round opens more abandoned polls than that limit could hold
 * twice over across the rounds, and the slots must come back long before the polls' 30-second wait would end. A
 * client that stays keeps its poll.
 */
class AbandonedPollTest {

	private static final int OPEN_FILE_LIMIT = 512;

	private static final int POLLS_PER_ROUND = 150;

	private static final int ROUNDS = 4;

	@TempDir
	Path root;

	@Test
	void longPollsWhoseClientsLeaveGiveBackTheirSlotsAndConnections() throws Exception {
		try (ChildServer server = ChildServer.start(this.root.resolve("data"), "256m", OPEN_FILE_LIMIT)) {
			TestHttp http = server.http();
			assertThat(http.post("/topics", "{\"name\":\"quiet\",\"partitions\":1}").status()).isEqualTo(201);
			for (int round = 0; round < ROUNDS; round++) {
				List<Socket> polls = new ArrayList<>();
				for (int i = 0; i < POLLS_PER_ROUND; i++) {
					polls.add(sendLongPoll(server.port(), "/topics/quiet/partitions/0/records?offset=latest&waitMs=30000"));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> waitingPolls(http) == POLLS_PER_ROUND);
				for (Socket poll : polls) {
					poll.close();
				}
				// Well under the 30 seconds the polls asked to wait: the server noticed that their clients left.
				await().atMost(Duration.ofSeconds(10)).until(() -> waitingPolls(http) == 0);
			}
			CompletableFuture<TestHttp.Response> stayingPoll = CompletableFuture
				.supplyAsync(() -> http.get("/topics/quiet/partitions/0/records?offset=0&waitMs=30000"));
			// Long enough for its connection to be probed a few times: a client that stays is never given up.
			Thread.sleep(3500);
			assertThat(stayingPoll).isNotDone();
			assertThat(http.post("/topics/quiet/records", "{\"records\":[{\"value\":1}]}").status()).isEqualTo(200);
			TestHttp.Response answer = stayingPoll.get(10, TimeUnit.SECONDS);
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.json().get("records").size()).isOne();
			assertThat(server.output()).doesNotContain("Too many open files").doesNotContain("ERROR");
		}
	}

	private static Socket sendLongPoll(int port, String path) throws IOException {
		Socket socket = new Socket("localhost", port);
		OutputStream out = socket.getOutputStream();
		out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

	private static double waitingPolls(TestHttp http) {
		return http.get("/actuator/metrics/caudal.fetch.waiting").json().get("measurements").get(0).get("value")
			.asDouble();
	}

}
