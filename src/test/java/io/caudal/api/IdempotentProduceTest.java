package io.caudal.api;

import java.net.http.HttpRequest;
import java.nio.file.Path;

import io.caudal.support.CaudalServer;
import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Retry-safe produce over real HTTP: the {@code Idempotency-Key} header. */
class IdempotentProduceTest extends FullStackTest {

	private static final String BODY = "{\"records\":[{\"key\":\"a\",\"value\":1},{\"value\":2},{\"key\":\"b\",\"value\":3}]}";

	@TempDir
	Path restartDir;

	@Test
	void aRetryWithTheSameKeyAndBodyAnswersTheFirstAnswerAndWritesNothing() {
		createTopic("retried");
		Response first = this.http.produceWithKey("retried", "order-1", BODY);
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		long stored = totalEndOffset(this.http, "retried");

		Response again = this.http.produceWithKey("retried", "order-1", BODY);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json()).isEqualTo(first.json());
		assertThat(totalEndOffset(this.http, "retried")).isEqualTo(stored).isEqualTo(3);

		assertThat(this.http.produceWithKey("retried", "order-2", BODY).status()).isEqualTo(200);
		assertThat(totalEndOffset(this.http, "retried")).isEqualTo(6);
	}

	@Test
	void anotherBodyIsRefusedAndARefusedRequestFreesItsKey() {
		createTopic("reused");
		assertThat(this.http.produceWithKey("reused", "k", BODY).status()).isEqualTo(200);
		Response other = this.http.produceWithKey("reused", "k", "{\"records\":[{\"value\":9}]}");
		assertProblem(other, 422, "IDEMPOTENCY_KEY_REUSED");
		assertThat(totalEndOffset(this.http, "reused")).isEqualTo(3);

		assertProblem(this.http.produceWithKey("reused", "fresh", "{\"records\":[{\"value\":1,\"timestamp\":-1}]}"), 400,
				"INVALID_TIMESTAMP");
		assertThat(this.http.produceWithKey("reused", "fresh", "{\"records\":[{\"value\":1}]}").status()).isEqualTo(200);
		assertThat(this.http.produceWithKey("other-topic-same-key", "k", BODY).status()).as("keys are per topic")
			.isEqualTo(404);
	}

	@Test
	void badKeysAreRefused() {
		createTopic("badkeys");
		for (String key : new String[] { "with space", "x".repeat(256) }) {
			Response refused = this.http.send(HttpRequest.newBuilder(this.http.uri("/topics/badkeys/records"))
				.header("Content-Type", "application/json")
				.header("Idempotency-Key", key)
				.POST(HttpRequest.BodyPublishers.ofString(BODY)));
			assertProblem(refused, 400, "INVALID_REQUEST");
		}
		assertThat(totalEndOffset(this.http, "badkeys")).isZero();
	}

	@Test
	void aKeyOutlivesARestartBecauseItIsStoredWithItsRecords() {
		Response first;
		try (CaudalServer server = CaudalServer.start(this.restartDir)) {
			assertThat(server.http().post("/topics", "{\"name\":\"durable\",\"partitions\":3}").status()).isEqualTo(201);
			first = server.http().produceWithKey("durable", "survivor", BODY);
			assertThat(first.status()).isEqualTo(200);
		}
		try (CaudalServer server = CaudalServer.start(this.restartDir)) {
			Response again = server.http().produceWithKey("durable", "survivor", BODY);
			assertThat(again.status()).as(again.toString()).isEqualTo(200);
			assertThat(again.json()).isEqualTo(first.json());
			assertThat(totalEndOffset(server.http(), "durable")).isEqualTo(3);
			assertProblem(server.http().produceWithKey("durable", "survivor", "{\"records\":[{\"value\":0}]}"), 422,
					"IDEMPOTENCY_KEY_REUSED");
		}
	}

	static long totalEndOffset(TestHttp http, String topic) {
		long total = 0;
		for (var partition : http.get("/topics/" + topic).json().get("partitionInfo")) {
			total += partition.get("endOffset").asLong();
		}
		return total;
	}

	private void createTopic(String name) {
		assertThat(this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":3}").status()).isEqualTo(201);
	}

	private static void assertProblem(Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo(code);
	}

}
