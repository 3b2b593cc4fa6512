package io.caudal.ws;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestEvents;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Sockets, event streams, long polls and browser sessions with security on, over real connections. */
class SecuredConnectionsTest extends SecuredStackTest {

	@Test
	void aSocketHandshakeWithABearerKeyJoinsAGroup() {
		String key = member("sock-key", "sock-key-topic", "sock-key-group");
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/groups/sock-key-group?topics=sock-key-topic",
				bearer(key))) {
			assertThat(socket.awaitLast("joined", message -> true).get("memberId").asString()).isNotEmpty();
		}
	}

	@Test
	void aSocketHandshakeWithoutAnIdentityIsRefusedWith401() {
		assertThatThrownBy(() -> TestSocket.open(port(), "/ws/topics/any")).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					ex -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
	}

	@Test
	void aSocketWithoutTheRightGetsAnErrorFrameAndA1008Close() {
		createTopic("sock-denied-topic");
		String key = newKey("sock-denied");
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/topics/sock-denied-topic", bearer(key))) {
			TestSocket.Closed closed = socket.awaitClose();
			assertThat(closed.code()).isEqualTo(1008);
			assertThat(socket.errors()).singleElement()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("NOT_AUTHORIZED"));
		}
	}

	@Test
	void aTicketOpensOneSocketOnce() {
		String key = member("sock-ticket", "sock-ticket-topic", "sock-ticket-group");
		TestHttp.Response issued = this.anonymous.bearer(key).post("/ws-tickets", "");
		assertThat(issued.status()).isEqualTo(201);
		String ticket = issued.json().get("ticket").asString();
		assertThat(ticket).startsWith("cdt_");
		String path = "/ws/groups/sock-ticket-group?topics=sock-ticket-topic&ticket=" + ticket;
		try (TestSocket socket = TestSocket.open(port(), path)) {
			assertThat(socket.awaitLast("joined", message -> true)).isNotNull();
		}
		assertThatThrownBy(() -> TestSocket.open(port(), path)).cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					ex -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
	}

	@Test
	void revokingAKeyEndsWhatItOpenedAndNothingElse() throws Exception {
		String first = member("revoked", "revoked-topic", "revoked-group");
		String second = anotherKey("revoked");
		String firstId = this.admin.get("/principals/revoked/keys").json().get(0).get("id").asString();
		TestSocket doomed = TestSocket.withHeaders(port(), "/ws/topics/revoked-topic", bearer(first));
		TestSocket kept = TestSocket.withHeaders(port(), "/ws/topics/revoked-topic", bearer(second));
		TestEvents stream = TestEvents.open(port(), "/topics/revoked-topic/events", null, bearer(first));
		assertThat(stream.status()).isEqualTo(200);
		TestHttp.Response joined = this.anonymous.bearer(first)
			.post("/groups/revoked-group/members", "{\"topics\":[\"revoked-topic\"]}");
		String records = "/groups/revoked-group/members/" + joined.json().get("memberId").asString()
				+ "/records?waitMs=30000";
		CompletableFuture<HttpResponse<String>> poll = java.net.http.HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(this.admin.uri(records)).header("Authorization", "Bearer " + first)
				.build(), HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.admin.get("/actuator/metrics/caudal.fetch.waiting").json().get("measurements").get(0)
				.get("value").asDouble() >= 1);

		assertThat(this.admin.delete("/principals/revoked/keys/" + firstId).status()).isEqualTo(204);

		TestSocket.Closed closed = doomed.awaitClose();
		assertThat(closed.code()).isEqualTo(1008);
		assertThat(doomed.errors()).last()
			.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("UNAUTHENTICATED"));
		HttpResponse<String> polled = poll.get(10, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(polled.statusCode()).isEqualTo(401);
		assertThat(TestHttp.parse(polled.body()).get("code").asString()).isEqualTo("UNAUTHENTICATED");
		await().atMost(Duration.ofSeconds(10)).until(stream::ended);
		assertThat(kept.isClosed()).isFalse();
		kept.grant(1);
		assertThat(kept.isClosed()).isFalse();
		kept.close();
		stream.close();
	}

	@Test
	void removingTheAclClosesTheSocketWithinSeconds() {
		String key = member("acl-removed", "acl-removed-topic", "acl-removed-group");
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/topics/acl-removed-topic", bearer(key))) {
			this.admin.delete("/acls?principal=key:acl-removed&resourceType=TOPIC");
			assertThat(socket.awaitClose().code()).isEqualTo(1008);
			assertThat(socket.errors()).last()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("NOT_AUTHORIZED"));
		}
	}

	@Test
	void aSessionCookieServesRestSocketsAndStreamsAndItsWritesNeedTheCsrfToken() {
		String key = member("browser", "browser-topic", "browser-group");
		grant("key:browser", "WRITE", "TOPIC", "LITERAL", "browser-topic");
		TestHttp.Response opened = this.anonymous.bearer(key).post("/session", "");
		assertThat(opened.status()).isEqualTo(204);
		List<String> cookies = opened.headers().allValues("Set-Cookie");
		String session = cookie(cookies, "CAUDAL_SESSION");
		String csrf = cookie(cookies, "XSRF-TOKEN");
		assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("CAUDAL_SESSION=")
			.containsIgnoringCase("HttpOnly")
			.containsIgnoringCase("SameSite=Strict"));
		String cookieHeader = "CAUDAL_SESSION=" + session + "; XSRF-TOKEN=" + csrf;

		assertThat(this.anonymous.send(HttpRequest.newBuilder(this.anonymous.uri("/session"))
			.header("Cookie", cookieHeader)).json().get("principal").asString()).isEqualTo("key:browser");
		String produce = "{\"records\":[{\"value\":1}]}";
		TestHttp.Response forged = this.anonymous.send(write(cookieHeader, produce));
		assertThat(forged.status()).isEqualTo(403);
		assertThat(forged.json().get("code").asString()).isEqualTo("NOT_AUTHORIZED");
		assertThat(this.anonymous.send(write(cookieHeader, produce).header("X-XSRF-TOKEN", csrf)).status())
			.isEqualTo(200);

		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/topics/browser-topic?from=earliest",
				Map.of("Cookie", cookieHeader));
				TestEvents events = TestEvents.open(port(), "/topics/browser-topic/events?from=earliest", null,
						Map.of("Cookie", cookieHeader))) {
			socket.grant(10);
			await().atMost(Duration.ofSeconds(10)).until(() -> socket.records().size() == 1);
			assertThat(events.records(1, Duration.ofSeconds(10))).hasSize(1);
		}

		assertThat(this.anonymous.send(HttpRequest.newBuilder(this.anonymous.uri("/session"))
			.header("Cookie", cookieHeader)
			.header("X-XSRF-TOKEN", csrf)
			.DELETE()).status()).isEqualTo(204);
		assertThat(this.anonymous.send(HttpRequest.newBuilder(this.anonymous.uri("/topics/browser-topic"))
			.header("Cookie", cookieHeader)).status()).isEqualTo(401);
	}

	@Test
	void aSessionEndsWithTheKeyThatOpenedIt() {
		String key = member("session-revoked", "session-revoked-topic", "session-revoked-group");
		TestHttp.Response opened = this.anonymous.bearer(key).post("/session", "");
		String cookieHeader = "CAUDAL_SESSION=" + cookie(opened.headers().allValues("Set-Cookie"), "CAUDAL_SESSION");
		HttpRequest.Builder describe = HttpRequest.newBuilder(this.anonymous.uri("/topics/session-revoked-topic"))
			.header("Cookie", cookieHeader);
		assertThat(this.anonymous.send(describe).status()).isEqualTo(200);
		String id = this.admin.get("/principals/session-revoked/keys").json().get(0).get("id").asString();
		this.admin.delete("/principals/session-revoked/keys/" + id);
		assertThat(this.anonymous.send(describe).status()).isEqualTo(401);
	}

	@Test
	void aPrincipalHoldsAtMostItsCapOfSocketsAndOthersAreNotTouched() {
		String key = member("capped", "capped-topic", "capped-group");
		String other = newKey("uncapped");
		grant("key:uncapped", "READ", "TOPIC", "LITERAL", "capped-topic");
		List<TestSocket> open = new java.util.ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				open.add(TestSocket.withHeaders(port(), "/ws/topics/capped-topic", bearer(key)));
			}
			try (TestSocket refused = TestSocket.withHeaders(port(), "/ws/topics/capped-topic", bearer(key));
					TestSocket neighbour = TestSocket.withHeaders(port(), "/ws/topics/capped-topic", bearer(other))) {
				assertThat(refused.awaitClose().code()).isEqualTo(1008);
				assertThat(refused.errors()).singleElement()
					.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("RESOURCE_LIMIT"));
				assertThat(neighbour.isClosed()).isFalse();
			}
			open.remove(0).closeNormally();
			try (TestSocket again = TestSocket.withHeaders(port(), "/ws/topics/capped-topic", bearer(key))) {
				again.grant(1);
				assertThat(again.isClosed()).isFalse();
				assertThat(again.errors()).isEmpty();
			}
		}
		finally {
			open.forEach(TestSocket::close);
		}
	}

	@Test
	void pastItsCapOfWaitingPollsAPrincipalsPollAnswersAtOnce() throws Exception {
		String key = member("poller", "poller-topic", "poller-group");
		String path = "/topics/poller-topic/partitions/0/records?waitMs=30000";
		java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
		List<CompletableFuture<HttpResponse<String>>> waiting = new java.util.ArrayList<>();
		for (int i = 0; i < 2; i++) {
			waiting.add(client.sendAsync(HttpRequest.newBuilder(this.admin.uri(path))
				.header("Authorization", "Bearer " + key)
				.build(), HttpResponse.BodyHandlers.ofString()));
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.admin.get("/actuator/metrics/caudal.fetch.waiting").json().get("measurements").get(0)
				.get("value").asDouble() >= 2);
		long started = System.nanoTime();
		TestHttp.Response third = this.anonymous.bearer(key).get(path);
		assertThat(third.status()).isEqualTo(200);
		assertThat(third.json().get("records")).isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
		assertThat(waiting).noneMatch(CompletableFuture::isDone);
		this.admin.post("/topics/poller-topic/records", "{\"records\":[{\"value\":1}]}");
		for (CompletableFuture<HttpResponse<String>> poll : waiting) {
			assertThat(poll.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aPollThatFailsGivesItsWaitingSlotBack() {
		String key = member("failing-poller", "failing-poller-topic", "failing-poller-group");
		TestHttp poller = this.anonymous.bearer(key);
		for (int i = 0; i < 3; i++) {
			assertThat(poller.get("/topics/failing-poller-topic/partitions/0/records?offset=999&waitMs=2000").status())
				.isEqualTo(416);
		}
		long started = System.nanoTime();
		assertThat(poller.get("/topics/failing-poller-topic/partitions/0/records?waitMs=2000").status())
			.isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the poll waited: its principal had slots left")
			.isGreaterThan(Duration.ofMillis(1500));
	}

	private HttpRequest.Builder write(String cookieHeader, String body) {
		return HttpRequest.newBuilder(this.anonymous.uri("/topics/browser-topic/records"))
			.header("Cookie", cookieHeader)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
	}

	/** A principal with a key that may read the topic and join the group. */
	private String member(String principal, String topic, String group) {
		createTopic(topic);
		String key = newKey(principal);
		grant("key:" + principal, "READ", "TOPIC", "LITERAL", topic);
		grant("key:" + principal, "READ", "GROUP", "LITERAL", group);
		return key;
	}

	private void createTopic(String topic) {
		TestHttp.Response created = this.admin.post("/topics", "{\"name\":\"" + topic + "\"}");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
	}

	private static Map<String, String> bearer(String key) {
		return Map.of("Authorization", "Bearer " + key);
	}

	private static String cookie(List<String> setCookies, String name) {
		return setCookies.stream()
			.filter(cookie -> cookie.startsWith(name + "="))
			.map(cookie -> cookie.substring(name.length() + 1, cookie.indexOf(';') > 0 ? cookie.indexOf(';')
					: cookie.length()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No " + name + " cookie in " + setCookies));
	}

}
