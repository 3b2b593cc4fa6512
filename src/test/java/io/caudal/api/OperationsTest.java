package io.caudal.api;

import java.net.http.HttpRequest;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Swagger UI, the OpenAPI document, health, metrics and CORS, over a real port. */
class OperationsTest extends FullStackTest {

	@Test
	void swaggerUiIsServed() {
		Response ui = this.http.send(HttpRequest.newBuilder(this.http.uri("/swagger-ui/index.html")).GET());
		assertThat(ui.status()).isEqualTo(200);
		assertThat(ui.text()).contains("swagger");
		Response redirect = this.http.get("/swagger-ui.html");
		assertThat(redirect.status()).isIn(200, 302);
	}

	@Test
	void openApiDocumentDescribesEveryTopicOperationWithExamples() {
		Response docs = this.http.get("/v3/api-docs");
		assertThat(docs.status()).isEqualTo(200);
		JsonNode paths = docs.json().get("paths");
		assertThat(paths.get("/topics").get("post").get("summary").asString()).isEqualTo("Create a topic");
		assertThat(paths.get("/topics").get("get").get("summary").asString()).isNotEmpty();
		assertThat(paths.get("/topics/{topic}").get("get").get("summary").asString()).isNotEmpty();
		assertThat(paths.get("/topics/{topic}").get("patch").get("description").asString()).contains("remaps");
		assertThat(paths.get("/topics/{topic}").get("delete").get("summary").asString()).isNotEmpty();
		JsonNode schemas = docs.json().get("components").get("schemas");
		assertThat(schemas.get("Create").get("example").get("name").asString()).isEqualTo("orders");
		assertThat(paths.has("/error")).isFalse();
	}

	@Test
	void healthReportsDiskSpaceDatabaseAndProbes() {
		Response health = this.http.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().get("status").asString()).isEqualTo("UP");
		assertThat(health.json().get("components").has("diskSpace")).isTrue();
		assertThat(health.json().get("components").has("db")).isTrue();
		for (String probe : new String[] { "liveness", "readiness" }) {
			Response answer = this.http.get("/actuator/health/" + probe);
			assertThat(answer.status()).as(probe).isEqualTo(200);
			assertThat(answer.json().get("status").asString()).as(probe).isEqualTo("UP");
		}
	}

	@Test
	void prometheusExposesCaudalMeters() {
		this.http.post("/topics", "{\"name\":\"metered\"}");
		Response prometheus = this.http.get("/actuator/prometheus");
		assertThat(prometheus.status()).isEqualTo(200);
		assertThat(prometheus.text()).contains("caudal_topics");
		assertThat(this.http.get("/actuator/metrics/caudal.topics").status()).isEqualTo(200);
	}

	@Test
	void configuredOriginMayCallFromABrowser() {
		Response preflight = this.http.send(HttpRequest.newBuilder(this.http.uri("/topics"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://dashboard.example")
			.header("Access-Control-Request-Method", "POST"));
		assertThat(preflight.status()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://dashboard.example");
	}

	@Test
	void otherOriginsAreRefused() {
		Response preflight = this.http.send(HttpRequest.newBuilder(this.http.uri("/topics"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://evil.example")
			.header("Access-Control-Request-Method", "POST"));
		assertThat(preflight.status()).isEqualTo(403);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

}
