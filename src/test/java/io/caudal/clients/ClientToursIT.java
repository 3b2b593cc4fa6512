package io.caudal.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.caudal.client.ApiClient;
import io.caudal.client.ApiException;
import io.caudal.client.ApiResponse;
import io.caudal.client.api.ConsumerGroupsApi;
import io.caudal.client.api.RecordsApi;
import io.caudal.client.api.SecurityApi;
import io.caudal.client.api.TopicsApi;
import io.caudal.client.model.Acl;
import io.caudal.client.model.CommitOffset;
import io.caudal.client.model.CommitRequest;
import io.caudal.client.model.ConsumerRecord;
import io.caudal.client.model.Create;
import io.caudal.client.model.Description;
import io.caudal.client.model.GroupDetails;
import io.caudal.client.model.JoinRequest;
import io.caudal.client.model.NewAcl;
import io.caudal.client.model.NewKey;
import io.caudal.client.model.NewPrincipal;
import io.caudal.client.model.Joined;
import io.caudal.client.model.PartitionLag;
import io.caudal.client.model.Polled;
import io.caudal.client.model.Problem;
import io.caudal.client.model.Produce;
import io.caudal.client.model.Produced;
import io.caudal.client.model.ProducerRecord;
import io.caudal.support.CaudalServer;
import io.caudal.support.FullStackTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tours of the API through clients generated from the committed {@code caudal-openapi.json}, with no edits: the Java
 * client (openapi-generator, java/native), the TypeScript one (openapi-typescript with openapi-fetch, in
 * clients/typescript) and the Python one (openapi-generator, python, run by clients/python/tour.py). Each creates a
 * topic, produces keyed records with values of every JSON type and headers, fetches them, runs a two-member group
 * through join, poll, commit with and without a generation, describe and leave, and reads an error as a typed
 * problem. Under {@code CI=true} a missing Node or Python fails the tour; elsewhere it skips it.
 */
class ClientToursIT extends FullStackTest {

	private static final long TOUR_TIMEOUT_SECONDS = 120;

	/** The values produced, one of each JSON type; a null value is a tombstone. */
	private static final Map<String, Object> VALUES = values();

	@Test
	void javaClientTour() throws Exception {
		ApiClient client = new ApiClient();
		client.updateBaseUri("http://localhost:" + port());
		TopicsApi topics = new TopicsApi(client);
		RecordsApi records = new RecordsApi(client);
		ConsumerGroupsApi groups = new ConsumerGroupsApi(client);
		String topic = "java-tour-" + UUID.randomUUID().toString().substring(0, 8);

		ApiResponse<Description> created = topics.createTopicWithHttpInfo(new Create().name(topic).partitions(2));
		assertThat(created.getStatusCode()).isEqualTo(201);
		assertThat(created.getHeaders().get("location")).containsExactly("/topics/" + topic);

		Produce produce = new Produce();
		VALUES.forEach((key, value) -> produce.addRecordsItem(new ProducerRecord().key(key)
			.value(value)
			.headers(key.equals("object") ? Map.of("source", "java-tour") : null)));
		Produced produced = records.produce(topic, produce, "java-tour-" + topic);
		assertThat(produced.getOffsets()).hasSize(VALUES.size())
			.allSatisfy(position -> assertThat(position.getPartition()).isBetween(0, 1));

		Map<String, ConsumerRecord> fetched = new HashMap<>();
		for (int partition = 0; partition < 2; partition++) {
			for (ConsumerRecord record : records.fetch(topic, partition, "earliest", null, null, null, null)
				.getRecords()) {
				fetched.put(record.getKey(), record);
			}
		}
		assertThat(fetched.keySet()).isEqualTo(VALUES.keySet());
		VALUES.forEach((key, value) -> assertThat(fetched.get(key).getValue()).as("value of %s", key).isEqualTo(value));
		assertThat(fetched.get("object").getHeaders()).containsEntry("source", "java-tour");

		String group = topic + "-readers";
		JoinRequest join = new JoinRequest().addTopicsItem(topic).autoOffsetReset(JoinRequest.AutoOffsetResetEnum.EARLIEST);
		Joined a = groups.joinGroup(group, join);
		Joined b = groups.joinGroup(group, join);
		Map<String, Integer> generations = new HashMap<>(Map.of(a.getMemberId(), a.getGeneration(), b.getMemberId(),
				b.getGeneration()));
		Map<Integer, Long> next = new HashMap<>();
		Map<String, Polled> lastAnswers = new HashMap<>();
		int received = 0;
		for (int round = 0; round < 40 && received < VALUES.size(); round++) {
			for (String member : List.of(a.getMemberId(), b.getMemberId())) {
				Polled polled = groups.poll(group, member, null, null, 100L, generations.get(member));
				generations.put(member, polled.getGeneration());
				lastAnswers.put(member, polled);
				for (ConsumerRecord record : polled.getRecords()) {
					received++;
					next.merge(record.getPartition(), record.getOffset() + 1, Math::max);
				}
			}
		}
		assertThat(received).isEqualTo(VALUES.size());

		// Each member commits what it read of its own partitions, naming the generation it last saw; then once more
		// without a body, which commits what was delivered to it.
		for (String member : List.of(a.getMemberId(), b.getMemberId())) {
			CommitRequest commit = new CommitRequest().generation(generations.get(member));
			lastAnswers.get(member).getAssignment().stream()
				.filter(owned -> next.containsKey(owned.getPartition()))
				.forEach(owned -> commit.addOffsetsItem(new CommitOffset().topic(topic)
					.partition(owned.getPartition())
					.offset(next.get(owned.getPartition()))));
			if (commit.getOffsets() != null) {
				groups.commit(group, member, commit);
			}
			groups.commit(group, member, null);
		}
		GroupDetails described = groups.describeGroup(group);
		assertThat(described.getOffsets()).hasSize(2);
		for (PartitionLag lag : described.getOffsets()) {
			assertThat(lag.getLag()).as("lag of partition %d", lag.getPartition()).isZero();
		}
		groups.leaveGroup(group, a.getMemberId());
		groups.leaveGroup(group, b.getMemberId());

		assertThatThrownBy(() -> topics.describeTopic(topic + "-missing")).isInstanceOfSatisfying(ApiException.class,
				failure -> {
					assertThat(failure.getCode()).isEqualTo(404);
					assertThat(problem(client, failure).getCode()).isEqualTo(Problem.CodeEnum.TOPIC_NOT_FOUND);
				});
	}

	/**
	 * The Java client against a server with security on, a bearer key set once on the client: the admin makes a
	 * principal, its key and a PREFIXED WRITE grant; the key then writes where it may and gets a typed 403 elsewhere.
	 */
	@Test
	void javaClientTourWithSecurity(@TempDir Path dir) throws Exception {
		String adminKey = "cdl_ClientTourAdminKeyForTheSecuredServer0000";
		try (CaudalServer server = CaudalServer.start(dir.resolve("data"), "caudal.security.enabled=true",
				"caudal.security.admin-key=" + adminKey)) {
			ApiClient admin = client(server.port(), adminKey);
			SecurityApi security = new SecurityApi(admin);
			security.createPrincipal(new NewPrincipal().name("tour"));
			NewKey key = security.createKey("tour");
			assertThat(key.getKey()).startsWith("cdl_");
			security.createAcl(new NewAcl().resourceType(NewAcl.ResourceTypeEnum.TOPIC)
				.resourceName("tour-")
				.patternType(NewAcl.PatternTypeEnum.PREFIXED)
				.principal("key:tour")
				.operation(NewAcl.OperationEnum.WRITE));
			assertThat(security.listAcls(null, null, null, "key:tour", null, null)).singleElement()
				.satisfies(acl -> assertThat(acl.getPermission()).isEqualTo(Acl.PermissionEnum.ALLOW));
			new TopicsApi(admin).createTopic(new Create().name("tour-orders"));
			new TopicsApi(admin).createTopic(new Create().name("payments"));

			ApiClient tour = client(server.port(), key.getKey());
			assertThat(new SecurityApi(tour).describeSession().getPrincipal()).isEqualTo("key:tour");
			RecordsApi records = new RecordsApi(tour);
			Produce produce = new Produce().addRecordsItem(new ProducerRecord().value(1));
			assertThat(records.produce("tour-orders", produce, null).getOffsets()).hasSize(1);
			assertThatThrownBy(() -> records.produce("payments", produce, null))
				.isInstanceOfSatisfying(ApiException.class, failure -> {
					assertThat(failure.getCode()).isEqualTo(403);
					Problem problem = problem(tour, failure);
					assertThat(problem.getCode()).isEqualTo(Problem.CodeEnum.NOT_AUTHORIZED);
					assertThat(problem.getResourceName()).isEqualTo("payments");
				});
			assertThatThrownBy(() -> new TopicsApi(client(server.port(), "cdl_NotAKey")).listTopics())
				.isInstanceOfSatisfying(ApiException.class, failure -> assertThat(problem(tour, failure).getCode())
					.isEqualTo(Problem.CodeEnum.UNAUTHENTICATED));
		}
	}

	private static ApiClient client(int port, String key) {
		ApiClient client = new ApiClient();
		client.updateBaseUri("http://localhost:" + port);
		client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
		return client;
	}

	@Test
	void typeScriptClientTour() throws Exception {
		Path compiled = Path.of("clients/typescript/dist/tour.js");
		requireTool("node", compiled);
		runTour(List.of("node", compiled.toString(), "http://localhost:" + port()), Map.of());
	}

	@Test
	void pythonClientTour() throws Exception {
		Path client = Path.of("target/generated-clients/python");
		requireTool("python3", client);
		runTour(List.of("python3", "clients/python/tour.py", "http://localhost:" + port()),
				Map.of("PYTHONPATH", client.toAbsolutePath().toString()));
	}

	private static Problem problem(ApiClient client, ApiException failure) {
		try {
			return client.getObjectMapper().readValue(failure.getResponseBody(), Problem.class);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Fails under CI when a tour's tool or its built client is missing; skips the tour elsewhere. */
	private static void requireTool(String tool, Path built) throws InterruptedException {
		boolean present = Files.exists(built) && onPath(tool);
		if (Boolean.parseBoolean(System.getenv("CI"))) {
			assertThat(present).as("%s and %s (built by ./mvnw verify)", tool, built).isTrue();
		}
		assumeThat(present).as("%s and %s", tool, built).isTrue();
	}

	private static boolean onPath(String tool) throws InterruptedException {
		try {
			return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void runTour(List<String> command, Map<String, String> environment) throws Exception {
		Path output = Files.createTempFile("tour-", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
		builder.environment().putAll(environment);
		Process tour = builder.start();
		boolean ended = tour.waitFor(TOUR_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (!ended) {
			tour.destroyForcibly();
		}
		String printed = Files.readString(output, StandardCharsets.UTF_8);
		System.out.println(printed);
		assertThat(ended).as("the tour ended within %d s:\n%s", TOUR_TIMEOUT_SECONDS, printed).isTrue();
		assertThat(tour.exitValue()).as("the tour's exit code:\n%s", printed).isZero();
	}

	private static Map<String, Object> values() {
		Map<String, Object> values = new HashMap<>();
		values.put("object", Map.of("amount", 10, "currency", "EUR"));
		values.put("array", List.of(1, "two", true));
		values.put("string", "plain text");
		values.put("number", 42.5);
		values.put("tombstone", null);
		return values;
	}

}
