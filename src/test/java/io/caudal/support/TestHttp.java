package io.caudal.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** A real HTTP client for full-stack tests: JSON in, status + parsed JSON out. */
public final class TestHttp {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String authorization;

	public TestHttp(int port) {
		this("http://localhost:" + port, null);
	}

	private TestHttp(String base, String authorization) {
		this.base = base;
		this.authorization = authorization;
	}

	/** The Authorization header every request carries, or null. */
	public String authorization() {
		return this.authorization;
	}

	/** The same server, each request sent with {@code Authorization: Bearer <token>}. */
	public TestHttp bearer(String token) {
		return new TestHttp(this.base, "Bearer " + token);
	}

	public Response get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	public Response post(String path, String json) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	public Response patch(String path, String json) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
	}

	public Response put(String path, String json) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(json)));
	}

	public Response delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE());
	}

	/** Creates a topic and checks it was: the first step of most tests. */
	public void createTopic(String name, int partitions) {
		Response created = post("/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
	}

	/**
	 * Produces records and checks they were stored.
	 * @param records the records of the body, without the brackets: {@code {"value":1},{"value":2}}
	 */
	public void produce(String topic, String records) {
		Response produced = post("/topics/" + topic + "/records", "{\"records\":[" + records + "]}");
		assertThat(produced.status()).as(produced.toString()).isEqualTo(200);
	}

	/** Produces a body with an {@code Idempotency-Key}, whatever the answer. */
	public Response produceWithKey(String topic, String key, String body) {
		return send(HttpRequest.newBuilder(uri("/topics/" + topic + "/records"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/** Sends a request built by the caller, for headers or bodies the shortcuts do not cover. */
	public Response send(HttpRequest.Builder request) {
		try {
			if (this.authorization != null) {
				request.setHeader("Authorization", this.authorization);
			}
			HttpRequest sent = request.timeout(Duration.ofSeconds(60)).build();
			HttpResponse<String> response = this.client.send(sent, HttpResponse.BodyHandlers.ofString());
			Response answer = new Response(response.statusCode(), response.headers(), response.body());
			ApiDocument.checkAnswer(sent.method(), sent.uri().getRawPath(), answer.status(), response.headers().map(),
					answer.text());
			return answer;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Request failed: " + request.build().uri(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	public URI uri(String path) {
		return URI.create(this.base + path);
	}

	public static JsonNode parse(String json) {
		return JSON.readTree(json);
	}

	/** An answer: its status, headers and body, with the body parsed on demand. */
	public record Response(int status, HttpHeaders headers, String text) {

		public JsonNode json() {
			return parse(this.text);
		}

		public String contentType() {
			return this.headers.firstValue("Content-Type").orElse("");
		}

		@Override
		public String toString() {
			return this.status + " " + this.text;
		}

	}

}
