package io.caudal.api;

import java.time.Duration;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** {@code GET /metrics/series}: the server samples its meters every second, from its start. */
class MetricSeriesApiTest extends FullStackTest {

	@Test
	void aTopicsRecordsInPerSecondAddUpToWhatWasProduced() {
		assertThat(this.http.post("/topics", "{\"name\":\"charted\",\"partitions\":2}").status()).isEqualTo(201);
		this.http.produce("charted", "{\"value\":1},{\"value\":2},{\"value\":3}");
		this.http.produce("charted", "{\"key\":\"k\",\"value\":4}");

		// The meter is made by the first produce and sampled within a second; until then the name is unknown (400).
		// Samples come about a second apart, so a second's rate is its increase over a little more or less.
		JsonNode series = await("the four records in the series").atMost(Duration.ofSeconds(10))
			.until(() -> this.http.get("/metrics/series?name=caudal.records.in&tag=topic:charted"),
					answer -> answer.status() == 200 && Math.abs(sum(answer.json()) - 4) < 0.2)
			.json();
		assertThat(series.get("name").asString()).isEqualTo("caudal.records.in");
		assertThat(series.get("tags").get("topic").asString()).isEqualTo("charted");
		assertThat(series.get("intervalMs").asLong()).isEqualTo(1000);
		long previous = 0;
		for (JsonNode point : series.get("points")) {
			assertThat(point.get(0).asLong()).as("oldest first, epoch milliseconds").isGreaterThan(previous);
			previous = point.get(0).asLong();
		}
		assertThat(previous).isCloseTo(System.currentTimeMillis(), within(60_000L));
	}

	@Test
	void badTagsAndUnknownMetersAreProblems() {
		Response badTag = this.http.get("/metrics/series?name=caudal.records.in&tag=topic");
		assertThat(badTag.status()).isEqualTo(400);
		assertThat(badTag.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		Response unknown = this.http.get("/metrics/series?name=jvm.memory.used");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.json().get("detail").asString()).contains("caudal.topics");
		Response noName = this.http.get("/metrics/series");
		assertThat(noName.status()).isEqualTo(400);
		assertThat(noName.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
	}

	private static double sum(JsonNode series) {
		double sum = 0;
		for (JsonNode point : series.get("points")) {
			sum += point.get(1).asDouble();
		}
		return sum;
	}

}
