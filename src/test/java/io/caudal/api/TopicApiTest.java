package io.caudal.api;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Topic administration over a real port, as users call it. */
class TopicApiTest extends FullStackTest {

	@Test
	void createDescribeGrowAndDeleteATopic() {
		Response created = this.http.post("/topics",
				"{\"name\":\"lifecycle\",\"partitions\":3,\"config\":{\"retention.ms\":604800000}}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.headers().firstValue("Location")).hasValue("/topics/lifecycle");
		assertThat(created.json().get("partitions").asInt()).isEqualTo(3);
		assertThat(created.json().get("config").get("retention.ms").asLong()).isEqualTo(604800000L);
		assertThat(created.json().get("partitionInfo")).hasSize(3);
		for (int p = 0; p < 3; p++) {
			Path dir = DATA_DIR.resolve("lifecycle-" + p);
			assertThat(dir).isDirectory();
			assertThat(dir.resolve("00000000000000000000.log")).exists();
		}

		Response described = this.http.get("/topics/lifecycle");
		assertThat(described.status()).isEqualTo(200);
		assertThat(described.json().get("partitionInfo").get(2).get("partition").asInt()).isEqualTo(2);
		assertThat(described.json().get("partitionInfo").get(2).get("startOffset").asLong()).isZero();
		assertThat(described.json().get("partitionInfo").get(2).get("endOffset").asLong()).isZero();

		assertThat(names(this.http.get("/topics"))).contains("lifecycle");

		Response grown = this.http.patch("/topics/lifecycle", "{\"partitions\":5,\"config\":{\"flush.ms\":10}}");
		assertThat(grown.status()).as(grown.toString()).isEqualTo(200);
		assertThat(grown.json().get("partitions").asInt()).isEqualTo(5);
		assertThat(grown.json().get("config").get("flush.ms").asLong()).isEqualTo(10);
		assertThat(grown.json().get("config").get("retention.ms").asLong()).isEqualTo(604800000L);
		assertThat(DATA_DIR.resolve("lifecycle-4")).isDirectory();

		Response shrink = this.http.patch("/topics/lifecycle", "{\"partitions\":2}");
		assertThat(shrink.status()).isEqualTo(400);
		assertThat(shrink.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(this.http.get("/topics/lifecycle").json().get("partitions").asInt()).isEqualTo(5);

		assertThat(this.http.delete("/topics/lifecycle").status()).isEqualTo(204);
		assertThat(this.http.get("/topics/lifecycle").status()).isEqualTo(404);
		assertThat(DATA_DIR.resolve("lifecycle-0")).doesNotExist();
		assertThat(DATA_DIR.resolve("lifecycle-4")).doesNotExist();
		assertThat(this.http.delete("/topics/lifecycle").json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
	}

	/** What a client generated from the API document sends: an answer without a body leaves only the errors' type. */
	@Test
	void aDeleteThatAcceptsOnlyProblemDetailsIsServed() {
		assertThat(this.http.post("/topics", "{\"name\":\"problem-accepting\"}").status()).isEqualTo(201);
		assertThat(deleteAcceptingProblems("/topics/problem-accepting").status()).isEqualTo(204);
		Response missing = deleteAcceptingProblems("/topics/problem-accepting");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
	}

	static Response deleteAcceptingProblems(TestHttp http, String path) {
		return http.send(HttpRequest.newBuilder(http.uri(path)).header("Accept", "application/problem+json").DELETE());
	}

	private Response deleteAcceptingProblems(String path) {
		return deleteAcceptingProblems(this.http, path);
	}

	@Test
	void creatingAnExistingTopicIsAConflict() {
		assertThat(this.http.post("/topics", "{\"name\":\"twice\"}").status()).isEqualTo(201);
		Response again = this.http.post("/topics", "{\"name\":\"twice\",\"partitions\":4}");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.json().get("code").asString()).isEqualTo("TOPIC_EXISTS");
		assertThat(this.http.get("/topics/twice").json().get("partitions").asInt()).isEqualTo(1);
	}

	@Test
	void badConfigIsRefusedAndWritesNothing() {
		Response bad = this.http.post("/topics", "{\"name\":\"badconfig\",\"config\":{\"retention.hours\":1}}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("code").asString()).isEqualTo("INVALID_CONFIG");
		assertThat(this.http.get("/topics/badconfig").status()).isEqualTo(404);
		assertThat(DATA_DIR.resolve("badconfig-0")).doesNotExist();
	}

	@Test
	void theFileEngineKeepsOneCopyAndRefusesMore() {
		Response one = this.http.post("/topics", "{\"name\":\"one-copy\",\"replicationFactor\":1}");
		assertThat(one.status()).as(one.toString()).isEqualTo(201);
		assertThat(one.json().get("replicationFactor").asInt()).isEqualTo(1);
		assertThat(this.http.get("/topics/one-copy").json().get("replicationFactor").asInt()).isEqualTo(1);
		for (int copies : new int[] { 0, 3 }) {
			Response more = this.http.post("/topics", "{\"name\":\"copies\",\"replicationFactor\":" + copies + "}");
			assertThat(more.status()).as(more.toString()).isEqualTo(400);
			assertThat(more.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
			assertThat(more.json().get("detail").asString()).contains("replicationFactor must be 1");
		}
		Response inSync = this.http.post("/topics", "{\"name\":\"copies\",\"config\":{\"min.insync.replicas\":2}}");
		assertThat(inSync.status()).as(inSync.toString()).isEqualTo(400);
		assertThat(inSync.json().get("code").asString()).isEqualTo("INVALID_CONFIG");
		assertThat(this.http.patch("/topics/one-copy", "{\"config\":{\"min.insync.replicas\":2}}").status())
			.isEqualTo(400);
		assertThat(this.http.get("/topics/copies").status()).isEqualTo(404);
		assertThat(DATA_DIR.resolve("copies-0")).doesNotExist();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, 1001 })
	void partitionCountOutsideTheLimitsIsRefused(int partitions) {
		Response bad = this.http.post("/topics", "{\"name\":\"count" + partitions + "\",\"partitions\":" + partitions + "}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(bad.json().get("detail").asString()).contains("1000");
	}

	@ParameterizedTest
	@ValueSource(strings = { "..", ".", "a/b", "../escape", "/abs", "a\\\\b", "ünïcödé", "主题", "a b", "%2e%2e" })
	void noTopicNameReachesOutsideTheDataDirectory(String name) throws Exception {
		Set<String> outsideBefore = listing(ROOT);
		Response bad = this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":2}");
		assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
		assertThat(bad.contentType()).startsWith("application/problem+json");
		assertThat(bad.json().get("code").asString()).isEqualTo("INVALID_TOPIC_NAME");
		assertThat(listing(ROOT)).isEqualTo(outsideBefore);
	}

	@Test
	void overlongNameIsRefused() {
		Response bad = this.http.post("/topics", "{\"name\":\"" + "x".repeat(250) + "\"}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("code").asString()).isEqualTo("INVALID_TOPIC_NAME");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/topics/..%2F..%2Fetc", "/topics/a%2Fb", "/topics/%2e%2e", "/topics/%E4%B8%BB" })
	void encodedPathsNeverEscapeAndAnswerProblems(String path) throws Exception {
		Set<String> outsideBefore = listing(ROOT);
		Response get = this.http.send(HttpRequest.newBuilder(this.http.uri(path)).GET());
		assertThat(get.status()).as(get.toString()).isBetween(400, 404);
		assertThat(get.contentType()).startsWith("application/problem+json");
		assertThat(get.json().get("code").isString()).isTrue();
		Response delete = this.http.send(HttpRequest.newBuilder(this.http.uri(path)).DELETE());
		assertThat(delete.status()).isBetween(400, 404);
		assertThat(listing(ROOT)).isEqualTo(outsideBefore);
	}

	@Test
	void unknownRouteIsAProblem() {
		Response response = this.http.get("/nowhere");
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).startsWith("application/problem+json");
	}

	@Test
	void oversizedBodyIs413() {
		String body = "{\"name\":\"big\",\"config\":{\"x\":\"" + "y".repeat(1536 * 1024) + "\"}}";
		Response response = this.http.post("/topics", body);
		assertThat(response.status()).isEqualTo(413);
		assertThat(response.json().get("code").asString()).isEqualTo("REQUEST_TOO_LARGE");
		assertThat(this.http.get("/topics/big").status()).isEqualTo(404);
	}

	@Test
	void partitionForAKeyIsWhereProduceSendsIt() {
		assertThat(this.http.post("/topics", "{\"name\":\"keyed-fifty\",\"partitions\":50}").status()).isEqualTo(201);
		Response foobar = this.http.get("/topics/keyed-fifty/partition-for?key=foobar");
		assertThat(foobar.status()).as(foobar.toString()).isEqualTo(200);
		assertThat(foobar.json().get("partition").asInt()).as("Kafka's murmur2 choice").isEqualTo(16);
		for (String key : List.of("user-42", "ünïcødé key", "")) {
			String query = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
			int partition = this.http.get("/topics/keyed-fifty/partition-for?key=" + query).json().get("partition").asInt();
			Response produced = this.http.post("/topics/keyed-fifty/records",
					"{\"records\":[{\"key\":\"" + key + "\",\"value\":1}]}");
			assertThat(produced.json().get("offsets").get(0).get("partition").asInt()).as(key).isEqualTo(partition);
		}

		Response noKey = this.http.get("/topics/keyed-fifty/partition-for");
		assertThat(noKey.status()).isEqualTo(400);
		assertThat(noKey.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		Response noTopic = this.http.get("/topics/no-such-topic/partition-for?key=a");
		assertThat(noTopic.status()).isEqualTo(404);
		assertThat(noTopic.json().get("code").asString()).isEqualTo("TOPIC_NOT_FOUND");
	}

	private static List<String> names(Response list) {
		return list.json().valueStream().map(node -> node.get("name").asString()).toList();
	}

	private static Set<String> listing(Path dir) throws Exception {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(Path::toString).collect(Collectors.toSet());
		}
	}

}
