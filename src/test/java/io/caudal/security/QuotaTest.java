package io.caudal.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestEvents;
import io.caudal.support.TestHttp;
import io.caudal.ws.TestSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kafka-named quotas per principal: over one, a call is 429 THROTTLED with Retry-After; its neighbours are untouched. */
class QuotaTest extends SecuredStackTest {

	@Autowired
	ApplicationEventPublisher events;

	@Test
	void overItsRequestRateAPrincipalIsThrottledAndItsNeighbourIsNot() {
		TestHttp limited = this.anonymous.bearer(newKey("q-requests"));
		TestHttp neighbour = this.anonymous.bearer(newKey("q-neighbour"));
		assertThat(this.admin.put("/quotas/key:q-requests", "{\"request_rate\":5}").status()).isEqualTo(200);
		CompletableFuture<List<Integer>> neighbourStatuses = CompletableFuture.supplyAsync(() -> statuses(neighbour, 40));
		List<Integer> limitedStatuses = statuses(limited, 40);
		assertThat(limitedStatuses).contains(429);
		assertThat(neighbourStatuses.join()).containsOnly(200);
		TestHttp.Response throttled = firstThrottled(limited);
		assertThat(throttled.json().get("code").asString()).isEqualTo("THROTTLED");
		assertThat(throttled.headers().firstValue("Retry-After").map(Integer::parseInt).orElseThrow())
			.isBetween(1, 5);
	}

	/** A node reloads the quotas whenever any node changed security state; its principals' debts must survive that. */
	@Test
	void aReloadOfUnchangedQuotasKeepsWhatPrincipalsOwe() {
		TestHttp limited = this.anonymous.bearer(newKey("q-reload"));
		assertThat(this.admin.put("/quotas/key:q-reload", "{\"request_rate\":1}").status()).isEqualTo(200);
		assertThat(limited.get("/topics").status()).isEqualTo(200);
		this.events.publishEvent(new SecurityChanges.Reload());
		assertThat(limited.get("/topics").status()).as("the second call within the second").isEqualTo(429);
	}

	@Test
	void aProduceThatGoesOverTheByteRateIsServedAndTheNextWaits() {
		assertThat(this.admin.post("/topics", "{\"name\":\"q-produce\"}").status()).isEqualTo(201);
		TestHttp producer = this.anonymous.bearer(newKey("q-producer"));
		TestHttp neighbour = this.anonymous.bearer(newKey("q-producer-neighbour"));
		for (String principal : List.of("key:q-producer", "key:q-producer-neighbour")) {
			grant(principal, "WRITE", "TOPIC", "LITERAL", "q-produce");
		}
		this.admin.put("/quotas/key:q-producer", "{\"producer_byte_rate\":1000}");
		String big = "{\"records\":[{\"value\":\"" + "x".repeat(3000) + "\"}]}";
		assertThat(producer.post("/topics/q-produce/records", big).status()).isEqualTo(200);
		TestHttp.Response next = producer.post("/topics/q-produce/records", big);
		assertThat(next.status()).isEqualTo(429);
		assertThat(next.headers().firstValue("Retry-After").map(Integer::parseInt).orElseThrow()).isBetween(1, 4);
		assertThat(neighbour.post("/topics/q-produce/records", big).status()).isEqualTo(200);
		assertThat(neighbour.post("/topics/q-produce/records", big).status()).isEqualTo(200);
		long stored = this.admin.get("/topics/q-produce").json().get("partitionInfo").get(0).get("endOffset").asLong();
		assertThat(stored).as("the throttled produce wrote nothing").isEqualTo(3);
	}

	@Test
	void theDefaultQuotaAppliesToPrincipalsWithoutTheirOwnAndConsumerBytesAreCounted() {
		topicOfTwentyRecords("q-consume");
		TestHttp consumer = this.anonymous.bearer(newKey("q-consumer"));
		TestHttp exempt = this.anonymous.bearer(newKey("q-exempt"));
		for (String principal : List.of("key:q-consumer", "key:q-exempt")) {
			grant(principal, "READ", "TOPIC", "LITERAL", "q-consume");
		}
		this.admin.put("/quotas/default", "{\"consumer_byte_rate\":1000}");
		this.admin.put("/quotas/key:q-exempt", "{\"consumer_byte_rate\":100000000}");
		try {
			String fetch = "/topics/q-consume/partitions/0/records?offset=0";
			assertThat(consumer.get(fetch).status()).isEqualTo(200);
			assertThat(consumer.get(fetch).status()).isEqualTo(429);
			assertThat(exempt.get(fetch).status()).isEqualTo(200);
			assertThat(exempt.get(fetch).status()).isEqualTo(200);
			List<String> listed = this.admin.get("/quotas").json().valueStream()
				.map(quota -> quota.get("principal").asString()).toList();
			assertThat(listed).contains("default", "key:q-exempt");
		}
		finally {
			assertThat(this.admin.delete("/quotas/default").status()).isEqualTo(204);
		}
	}

	@Test
	void aSocketOverItsConsumerQuotaIsSlowedNotRefused() {
		topicOfTwentyRecords("q-socket");
		String key = newKey("q-socket");
		grant("key:q-socket", "READ", "TOPIC", "LITERAL", "q-socket");
		this.admin.put("/quotas/key:q-socket", "{\"consumer_byte_rate\":1500}");
		try (TestSocket socket = TestSocket.withHeaders(port(), "/ws/topics/q-socket?from=earliest&credit=1",
				Map.of("Authorization", "Bearer " + key))) {
			await().atMost(Duration.ofSeconds(5)).until(() -> socket.records().size() == 1);
			socket.grant(100);
			await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30))
				.until(() -> socket.records().size() == 20);
			assertThat(socket.isClosed()).isFalse();
			assertThat(socket.errors()).isEmpty();
		}
		long started = System.nanoTime();
		try (TestSocket again = TestSocket.withHeaders(port(), "/ws/topics/q-socket?from=earliest&credit=100",
				Map.of("Authorization", "Bearer " + key))) {
			await().atMost(Duration.ofSeconds(30)).until(() -> again.records().size() == 20);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started))
			.as("about 5 KB at 1.5 KB/s cannot arrive at once").isGreaterThan(Duration.ofSeconds(1));
	}

	@Test
	void aStreamOverItsConsumerQuotaIsSlowedNotRefused() {
		topicOfTwentyRecords("q-stream");
		String key = newKey("q-stream");
		grant("key:q-stream", "READ", "TOPIC", "LITERAL", "q-stream");
		this.admin.put("/quotas/key:q-stream", "{\"consumer_byte_rate\":1500}");
		Map<String, String> bearer = Map.of("Authorization", "Bearer " + key);
		long started = System.nanoTime();
		try (TestEvents first = TestEvents.open(port(), "/topics/q-stream/events?from=earliest", null, bearer)) {
			assertThat(first.records(20, Duration.ofSeconds(30))).hasSize(20);
		}
		try (TestEvents second = TestEvents.open(port(), "/topics/q-stream/events?from=earliest", null, bearer)) {
			assertThat(second.records(20, Duration.ofSeconds(30))).hasSize(20);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started))
			.as("about 10 KB at 1.5 KB/s cannot arrive at once").isGreaterThan(Duration.ofSeconds(3));
	}

	@Test
	void aPrincipalHoldsAtMostItsCapOfStreams() {
		assertThat(this.admin.post("/topics", "{\"name\":\"q-streams\"}").status()).isEqualTo(201);
		String key = newKey("q-streams");
		String other = newKey("q-streams-other");
		grant("key:q-streams", "READ", "TOPIC", "LITERAL", "q-streams");
		grant("key:q-streams-other", "READ", "TOPIC", "LITERAL", "q-streams");
		String path = "/topics/q-streams/events";
		try (TestEvents one = TestEvents.open(port(), path, null, Map.of("Authorization", "Bearer " + key));
				TestEvents two = TestEvents.open(port(), path, null, Map.of("Authorization", "Bearer " + key));
				TestEvents three = TestEvents.open(port(), path, null, Map.of("Authorization", "Bearer " + key));
				TestEvents neighbour = TestEvents.open(port(), path, null, Map.of("Authorization", "Bearer " + other))) {
			assertThat(one.status()).isEqualTo(200);
			assertThat(two.status()).isEqualTo(200);
			assertThat(three.status()).isEqualTo(429);
			assertThat(neighbour.status()).isEqualTo(200);
		}
	}

	@Test
	void aQuotaOutsideItsRangeIsRefused() {
		TestHttp.Response refused = this.admin.put("/quotas/key:someone", "{\"request_rate\":0}");
		assertThat(refused.status()).isEqualTo(400);
		assertThat(this.admin.put("/quotas/someone", "{\"request_rate\":5}").status()).isEqualTo(400);
		assertThat(this.admin.put("/quotas/default", "{\"producer_byte_rate\":9223372036854775807}").status())
			.as("more than the buckets can refill").isEqualTo(400);
		assertThat(this.admin.get("/session").status()).isEqualTo(200);
	}

	/** A new topic holding 20 records of about 260 bytes each as encoded. */
	private void topicOfTwentyRecords(String topic) {
		assertThat(this.admin.post("/topics", "{\"name\":\"" + topic + "\"}").status()).isEqualTo(201);
		String records = "{\"records\":[" + String.join(",", Collections.nCopies(20,
				"{\"value\":\"" + "v".repeat(200) + "\"}")) + "]}";
		assertThat(this.admin.post("/topics/" + topic + "/records", records).status()).isEqualTo(200);
	}

	private static List<Integer> statuses(TestHttp http, int calls) {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			statuses.add(http.get("/session").status());
		}
		return statuses;
	}

	private static TestHttp.Response firstThrottled(TestHttp http) {
		for (int i = 0; i < 100; i++) {
			TestHttp.Response answer = http.get("/session");
			if (answer.status() == 429) {
				return answer;
			}
		}
		throw new AssertionError("never throttled");
	}

}
