package io.caudal.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every row of the contract's "Consumer groups over HTTP" section, over a real port. */
class GroupApiTest extends FullStackTest {

	/** The generation of each member's last answer, as a client keeps it. */
	private final Map<String, Integer> seenGenerations = new ConcurrentHashMap<>();

	private static final Duration PATIENCE = Duration.ofSeconds(15);

	@ParameterizedTest
	@ValueSource(ints = { 2, 3 })
	void membersSplitATopicAndTogetherReceiveEachRecordOnce(int memberCount) {
		String topic = "split" + memberCount;
		String group = "splitters" + memberCount;
		this.http.createTopic(topic, 6);
		List<String> members = new ArrayList<>();
		for (int i = 0; i < memberCount; i++) {
			members.add(join(group, "{\"topics\":[\"" + topic + "\"],\"autoOffsetReset\":\"earliest\"}"));
		}
		awaitStable(group, members);
		int generation = describe(group).get("generation").asInt();

		for (int i = 0; i < 60; i++) {
			this.http.produce(topic, "{\"value\":" + i + ",\"partition\":" + (i % 6) + "}");
		}
		Set<String> seen = new HashSet<>();
		List<String> duplicates = new ArrayList<>();
		await().atMost(PATIENCE).until(() -> {
			for (String member : members) {
				JsonNode answer = poll(group, member, "maxRecords=7");
				assertThat(answer.get("generation").asInt()).isEqualTo(generation);
				assertThat(answer.get("revoking")).isEmpty();
				Set<String> owned = partitions(answer.get("assignment"));
				for (JsonNode record : answer.get("records")) {
					assertThat(owned).contains(record.get("topic").asString() + "-" + record.get("partition").asInt());
					if (!seen.add(record.get("partition").asInt() + "@" + record.get("offset").asLong())) {
						duplicates.add(record.toString());
					}
				}
			}
			return seen.size() >= 60;
		});
		assertThat(duplicates).isEmpty();
		assertThat(seen).hasSize(60);
		assertThat(describe(group).get("state").asString()).isEqualTo("STABLE");
	}

	@Test
	void aMemberLeavesAndAnotherResumesAtItsCommittedOffsets() {
		this.http.createTopic("handover", 2);
		String a = join("handover-group", "{\"topics\":[\"handover\"],\"autoOffsetReset\":\"earliest\"}");
		String b = join("handover-group", "{\"topics\":[\"handover\"],\"autoOffsetReset\":\"earliest\"}");
		awaitStable("handover-group", List.of(a, b));
		for (int i = 0; i < 4; i++) {
			this.http.produce("handover", "{\"value\":" + i + ",\"partition\":0},{\"value\":" + i + ",\"partition\":1}");
		}
		String ownerOf0 = partitions(heartbeat("handover-group", a).get("assignment")).contains("handover-0") ? a : b;
		String other = ownerOf0.equals(a) ? b : a;
		JsonNode firstTwo = poll("handover-group", ownerOf0, "maxRecords=2");
		assertThat(firstTwo.get("records")).hasSize(2);
		Response committed = this.http.post("/groups/handover-group/members/" + ownerOf0 + "/commit", "");
		assertThat(committed.status()).as(committed.toString()).isEqualTo(200);
		assertThat(committed.json().get("offsets").toString()).contains("\"partition\":0,\"offset\":2");
		assertThat(this.http.delete("/groups/handover-group/members/" + ownerOf0).status()).isEqualTo(204);

		List<Long> resumed = new ArrayList<>();
		await().atMost(PATIENCE).until(() -> {
			for (JsonNode record : poll("handover-group", other, "maxRecords=100").get("records")) {
				if (record.get("partition").asInt() == 0) {
					resumed.add(record.get("offset").asLong());
				}
			}
			return resumed.size() >= 2;
		});
		assertThat(resumed).containsExactly(2L, 3L);
		assertThat(poll("handover-group", ownerOf0, "").toString()).contains("UNKNOWN_MEMBER");
	}

	@Test
	void aSilentMemberExpiresAndItsPartitionsMove() {
		this.http.createTopic("silence", 2);
		String silent = join("silence-group", "{\"topics\":[\"silence\"],\"sessionTimeoutMs\":1000}");
		String talker = join("silence-group", "{\"topics\":[\"silence\"],\"sessionTimeoutMs\":30000}");
		await().atMost(PATIENCE)
			.until(() -> partitions(poll("silence-group", talker, "waitMs=200").get("assignment")).size() == 2);
		Response late = this.http.post("/groups/silence-group/members/" + silent + "/heartbeat", "");
		assertThat(late.status()).isEqualTo(409);
		assertThat(late.json().get("code").asString()).isEqualTo("UNKNOWN_MEMBER");
		assertThat(describe("silence-group").get("members")).hasSize(1);
	}

	@Test
	void aZombiesCommitIsRefusedAndWritesNothing() {
		this.http.createTopic("zombies", 2);
		String zombie = join("zombie-group", "{\"topics\":[\"zombies\"]}");
		String live = join("zombie-group", "{\"topics\":[\"zombies\"]}");
		awaitStable("zombie-group", List.of(zombie, live));
		this.http.produce("zombies", "{\"value\":1,\"partition\":0},{\"value\":2,\"partition\":1}");
		String liveOwns = partitions(heartbeat("zombie-group", live).get("assignment")).iterator().next();
		int notOwned = liveOwns.endsWith("-0") ? 1 : 0;

		Response fenced = this.http.post("/groups/zombie-group/members/" + live + "/commit",
				"{\"offsets\":[{\"topic\":\"zombies\",\"partition\":" + notOwned + ",\"offset\":1}]}");
		assertThat(fenced.status()).isEqualTo(409);
		assertThat(fenced.json().get("code").asString()).isEqualTo("FENCED_MEMBER");
		Response stale = this.http.post("/groups/zombie-group/members/" + live + "/commit",
				"{\"offsets\":[{\"topic\":\"zombies\",\"partition\":" + (1 - notOwned) + ",\"offset\":1}],\"generation\":1}");
		assertThat(stale.status()).isEqualTo(409);
		assertThat(stale.json().get("code").asString()).isEqualTo("FENCED_MEMBER");

		assertThat(this.http.delete("/groups/zombie-group/members/" + zombie).status()).isEqualTo(204);
		Response unknown = this.http.post("/groups/zombie-group/members/" + zombie + "/commit",
				"{\"offsets\":[{\"topic\":\"zombies\",\"partition\":" + notOwned + ",\"offset\":1}]}");
		assertThat(unknown.status()).isEqualTo(409);
		assertThat(unknown.json().get("code").asString()).isEqualTo("UNKNOWN_MEMBER");
		for (JsonNode offset : describe("zombie-group").get("offsets")) {
			assertThat(offset.get("committedOffset").isNull()).as(offset.toString()).isTrue();
			assertThat(offset.get("lag").isNull()).isTrue();
		}
	}

	@Test
	void listDescribeResetAndDeleteAGroup() {
		this.http.createTopic("admin", 2);
		this.http.produce("admin", "{\"value\":1,\"partition\":0},{\"value\":2,\"partition\":0},{\"value\":3,\"partition\":1}");
		String member = join("admin-group",
				"{\"topics\":[\"admin\"],\"assignor\":\"sticky\",\"autoOffsetReset\":\"earliest\",\"instanceId\":\"box-1\"}");
		assertThat(poll("admin-group", member, "").get("records")).hasSize(3);
		Response committed = this.http.post("/groups/admin-group/members/" + member + "/commit",
				"{\"offsets\":[{\"topic\":\"admin\",\"partition\":0,\"offset\":1}]}");
		assertThat(committed.json().get("offsets").toString())
			.isEqualTo("[{\"topic\":\"admin\",\"partition\":0,\"offset\":1}]");

		JsonNode listed = findGroup(this.http.get("/groups").json(), "admin-group");
		assertThat(listed.get("state").asString()).isEqualTo("STABLE");
		assertThat(listed.get("members").asInt()).isEqualTo(1);
		JsonNode described = describe("admin-group");
		assertThat(described.get("leader").asString()).isEqualTo(member);
		assertThat(described.get("assignor").asString()).isEqualTo("sticky");
		assertThat(described.get("members").get(0).get("transport").asString()).isEqualTo("http");
		assertThat(described.get("members").get(0).get("assignment")).hasSize(2);
		assertThat(described.get("offsets").get(0).toString())
			.isEqualTo("{\"topic\":\"admin\",\"partition\":0,\"committedOffset\":1,\"endOffset\":2,\"lag\":1}");
		assertThat(described.get("offsets").get(1).get("committedOffset").isNull()).isTrue();

		Response busy = this.http.post("/groups/admin-group/offsets/reset", "{\"topic\":\"admin\",\"to\":\"earliest\"}");
		assertThat(busy.status()).isEqualTo(409);
		assertThat(busy.json().get("code").asString()).isEqualTo("GROUP_NOT_EMPTY");
		assertThat(this.http.delete("/groups/admin-group").json().get("code").asString()).isEqualTo("GROUP_NOT_EMPTY");
		assertThat(TopicApiTest.deleteAcceptingProblems(this.http, "/groups/admin-group/members/" + member).status())
			.isEqualTo(204);

		assertThat(findGroup(this.http.get("/groups").json(), "admin-group").get("state").asString()).isEqualTo("EMPTY");
		Response reset = this.http.post("/groups/admin-group/offsets/reset",
				"{\"topic\":\"admin\",\"partitions\":[1],\"to\":\"offset:1\"}");
		assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
		assertThat(reset.json().get("offsets").toString()).isEqualTo("[{\"topic\":\"admin\",\"partition\":1,\"offset\":1}]");
		Response latest = this.http.post("/groups/admin-group/offsets/reset", "{\"topic\":\"admin\",\"to\":\"latest\"}");
		assertThat(latest.json().get("offsets")).hasSize(2);
		Response byTime = this.http.post("/groups/admin-group/offsets/reset",
				"{\"topic\":\"admin\",\"to\":\"timestamp:0\"}");
		assertThat(byTime.json().get("offsets").get(0).get("offset").asLong()).isZero();

		assertThat(TopicApiTest.deleteAcceptingProblems(this.http, "/groups/admin-group").status()).isEqualTo(204);
		assertThat(this.http.get("/groups/admin-group").status()).isEqualTo(404);
		assertThat(this.http.delete("/groups/admin-group").status()).isEqualTo(404);
	}

	@Test
	void aCommitWithoutBodyCommitsWhatWasDeliveredAndLagIsMetered() {
		this.http.createTopic("delivered", 1);
		this.http.produce("delivered", "{\"value\":1},{\"value\":2},{\"value\":3}");
		String member = join("delivered-group", "{\"topics\":[\"delivered\"],\"autoOffsetReset\":\"earliest\"}");
		assertThat(poll("delivered-group", member, "maxRecords=2").get("records")).hasSize(2);
		Response committed = this.http.post("/groups/delivered-group/members/" + member + "/commit", "");
		assertThat(committed.json().get("offsets").toString())
			.isEqualTo("[{\"topic\":\"delivered\",\"partition\":0,\"offset\":2}]");
		await().atMost(PATIENCE).untilAsserted(() -> {
			Response lag = this.http.get("/actuator/metrics/caudal.group.lag?tag=group:delivered-group");
			assertThat(lag.status()).isEqualTo(200);
			assertThat(lag.json().get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
		});
		Response members = this.http.get("/actuator/metrics/caudal.group.members?tag=group:delivered-group");
		assertThat(members.json().get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
	}

	@Test
	void aLongPollAnswersAsSoonAsARecordArrives() throws Exception {
		this.http.createTopic("grouppoll", 1);
		String member = join("longpoll-group", "{\"topics\":[\"grouppoll\"],\"autoOffsetReset\":\"latest\"}");
		assertThat(poll("longpoll-group", member, "").get("records")).isEmpty();
		long start = System.nanoTime();
		CompletableFuture<JsonNode> waiting = CompletableFuture
			.supplyAsync(() -> poll("longpoll-group", member, "waitMs=20000"));
		await().atMost(PATIENCE)
			.until(() -> this.http.get("/actuator/metrics/caudal.fetch.waiting")
				.json()
				.get("measurements")
				.get(0)
				.get("value")
				.asDouble() >= 1);
		this.http.produce("grouppoll", "{\"value\":\"wake\"}");
		JsonNode answer = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		assertThat(answer.get("records").get(0).get("value").asString()).isEqualTo("wake");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"topics\":[]}", "{}", "{\"topics\":[\"strictgroups\"],\"sessionTimeoutMs\":999}",
			"{\"topics\":[\"strictgroups\"],\"sessionTimeoutMs\":300001}",
			"{\"topics\":[\"strictgroups\"],\"sessionTimeoutMs\":1500.5}",
			"{\"topics\":[\"strictgroups\"],\"assignor\":\"cooperative\"}",
			"{\"topics\":[\"strictgroups\"],\"autoOffsetReset\":\"smallest\"}",
			"{\"topics\":[\"strictgroups\"],\"colour\":\"red\"}", "{\"topics\":\"strictgroups\"}", "[]", "not json" })
	void badJoinsAreRefused(String body) {
		createTopicOnce("strictgroups");
		Response response = this.http.post("/groups/strict/members", body);
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(this.http.get("/groups/strict").status()).isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "%2E", "%2E%2E", "zero%E2%80%8Bwidth", "tab%09bed", "spa%20ce", "caf%C3%A9" })
	void groupIdsFollowTheTopicNameRule(String encodedId) {
		createTopicOnce("strictgroups");
		Response joined = this.http.post("/groups/" + encodedId + "/members", "{\"topics\":[\"strictgroups\"]}");
		assertProblem(joined, 400, "INVALID_REQUEST");
		assertProblem(this.http.post("/groups/" + encodedId + "/offsets/reset",
				"{\"topic\":\"strictgroups\",\"to\":\"earliest\"}"), 400, "INVALID_REQUEST");
	}

	@Test
	void everyOtherRefusalOfTheContract() {
		createTopicOnce("strictgroups");
		assertProblem(this.http.post("/groups/g404/members", "{\"topics\":[\"nosuchtopic\"]}"), 404, "TOPIC_NOT_FOUND");
		assertProblem(this.http.get("/groups/nosuchgroup"), 404, "GROUP_NOT_FOUND");
		assertProblem(this.http.delete("/groups/nosuchgroup"), 404, "GROUP_NOT_FOUND");
		assertProblem(this.http.get("/groups/nosuchgroup/members/nobody/records"), 409, "UNKNOWN_MEMBER");
		assertProblem(this.http.post("/groups/nosuchgroup/members/nobody/heartbeat", ""), 409, "UNKNOWN_MEMBER");
		assertProblem(this.http.post("/groups/nosuchgroup/members/nobody/commit", ""), 409, "UNKNOWN_MEMBER");
		assertProblem(this.http.delete("/groups/nosuchgroup/members/nobody"), 409, "UNKNOWN_MEMBER");

		String strict = join("refusals", "{\"topics\":[\"strictgroups\"],\"autoOffsetReset\":\"none\"}");
		assertProblem(this.http.get("/groups/refusals/members/" + strict + "/records"), 409, "NO_COMMITTED_OFFSET");
		assertProblem(this.http.get("/groups/refusals/members/" + strict + "/records?maxRecords=0"), 400,
				"INVALID_REQUEST");
		assertProblem(this.http.get("/groups/refusals/members/" + strict + "/records?waitMs=-1"), 400,
				"INVALID_REQUEST");
		String commit = "/groups/refusals/members/" + strict + "/commit";
		assertProblem(this.http.post(commit, "{\"offsets\":[]}"), 400, "INVALID_REQUEST");
		assertProblem(this.http.post(commit, "{\"offsets\":[{\"topic\":\"strictgroups\",\"partition\":0}]}"), 400,
				"INVALID_REQUEST");
		assertProblem(this.http.post(commit, "{\"offsets\":[{\"topic\":\"strictgroups\",\"partition\":0,\"offset\":1.5}]}"),
				400, "INVALID_REQUEST");
		assertProblem(this.http.post(commit, "{\"offsets\":[{\"topic\":\"strictgroups\",\"partition\":0,\"offset\":0},"
				+ "{\"topic\":\"strictgroups\",\"partition\":0,\"offset\":0}]}"), 400, "INVALID_REQUEST");
		Response outOfRange = this.http.post(commit,
				"{\"offsets\":[{\"topic\":\"strictgroups\",\"partition\":0,\"offset\":5}]}");
		assertProblem(outOfRange, 416, "OFFSET_OUT_OF_RANGE");
		assertThat(outOfRange.json().get("endOffset").asLong()).isZero();
		assertProblem(this.http.post(commit, "{\"offsets\":[{\"topic\":\"nosuchtopic\",\"partition\":0,\"offset\":0}]}"),
				404, "TOPIC_NOT_FOUND");
		assertProblem(this.http.post(commit, "{\"offsets\":[{\"topic\":\"strictgroups\",\"partition\":9,\"offset\":0}]}"),
				404, "PARTITION_NOT_FOUND");
		assertThat(this.http.post(commit, "{\"offsets\":[{\"topic\":\"strictgroups\",\"partition\":0,\"offset\":0}]}")
			.status()).isEqualTo(200);
		assertThat(poll("refusals", strict, "").get("records")).isEmpty();

		assertProblem(this.http.post("/groups/emptygroup/offsets/reset", "{\"topic\":\"strictgroups\",\"to\":\"middle\"}"),
				400, "INVALID_REQUEST");
		assertProblem(this.http.post("/groups/emptygroup/offsets/reset", "{\"topic\":\"strictgroups\"}"), 400,
				"INVALID_REQUEST");
		assertProblem(this.http.post("/groups/emptygroup/offsets/reset",
				"{\"topic\":\"strictgroups\",\"partitions\":[],\"to\":\"latest\"}"), 400, "INVALID_REQUEST");
		assertProblem(this.http.post("/groups/emptygroup/offsets/reset", "{\"topic\":\"nosuchtopic\",\"to\":\"latest\"}"),
				404, "TOPIC_NOT_FOUND");
		assertProblem(this.http.post("/groups/emptygroup/offsets/reset",
				"{\"topic\":\"strictgroups\",\"partitions\":[3],\"to\":\"latest\"}"), 404, "PARTITION_NOT_FOUND");
		assertProblem(this.http.post("/groups/emptygroup/offsets/reset",
				"{\"topic\":\"strictgroups\",\"to\":\"offset:99\"}"), 416, "OFFSET_OUT_OF_RANGE");
		assertThat(this.http.get("/groups/emptygroup").status()).isEqualTo(404);
	}

	@Test
	void everyGroupOperationIsDocumentedWithExamples() {
		JsonNode docs = this.http.get("/v3/api-docs").json();
		JsonNode paths = docs.get("paths");
		assertThat(paths.get("/groups/{group}/members").get("post").get("summary").asString()).isEqualTo("Join a group");
		assertThat(paths.get("/groups/{group}/members/{member}/records").get("get").get("description").asString())
			.contains("revoking");
		assertThat(paths.get("/groups/{group}/members/{member}/heartbeat").get("post").has("summary")).isTrue();
		assertThat(paths.get("/groups/{group}/members/{member}/commit").get("post").get("responses").has("409")).isTrue();
		assertThat(paths.get("/groups/{group}/members/{member}").get("delete").has("summary")).isTrue();
		assertThat(paths.get("/groups").get("get").has("summary")).isTrue();
		assertThat(paths.get("/groups/{group}").get("get").has("summary")).isTrue();
		assertThat(paths.get("/groups/{group}").get("delete").get("responses").has("409")).isTrue();
		assertThat(paths.get("/groups/{group}/offsets/reset").get("post").has("summary")).isTrue();
		JsonNode schemas = docs.get("components").get("schemas");
		assertThat(schemas.get("JoinRequest").get("example").get("topics").get(0).asString()).isEqualTo("orders");
		assertThat(schemas.get("GroupDetails").get("example").get("state").asString()).isEqualTo("STABLE");
		assertThat(schemas.get("Create").get("example").get("name").asString()).isEqualTo("orders");
	}

	@Test
	void aRevokedPartitionMovesOnlyOnceItsOwnerShowsItSawTheRevocation() {
		this.http.createTopic("careful", 2);
		String a = join("careful-group", "{\"topics\":[\"careful\"],\"rebalanceTimeoutMs\":300000}");
		String b = join("careful-group", "{\"topics\":[\"careful\"]}");
		JsonNode told = heartbeatSeeing("careful-group", a, null);
		int revokedIn = told.get("generation").asInt();
		assertThat(told.get("revoking")).hasSize(1);

		List<CompletableFuture<JsonNode>> concurrent = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			concurrent.add(CompletableFuture.supplyAsync(() -> heartbeatSeeing("careful-group", a, revokedIn - 1)));
		}
		concurrent.forEach(call -> assertThat(call.join().get("revoking")).hasSize(1));
		assertThat(heartbeatSeeing("careful-group", a, null).get("revoking")).hasSize(1);
		assertThat(heartbeatSeeing("careful-group", b, null).get("assignment")).isEmpty();

		assertThat(heartbeatSeeing("careful-group", a, revokedIn).get("revoking")).isEmpty();
		assertThat(heartbeatSeeing("careful-group", b, null).get("assignment")).hasSize(1);
		assertThat(describe("careful-group").get("state").asString()).isEqualTo("STABLE");
	}

	private void assertProblem(Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo(code);
		assertThat(response.json().get("detail").asString()).isNotBlank();
	}

	/** Polls every member until the group is STABLE: their answers carry the revocations and releases. */
	private void awaitStable(String group, List<String> members) {
		await().atMost(PATIENCE).until(() -> {
			for (String member : members) {
				heartbeat(group, member);
			}
			return describe(group).get("state").asString().equals("STABLE");
		});
	}

	private String join(String group, String body) {
		Response joined = this.http.post("/groups/" + group + "/members", body);
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		assertThat(joined.headers().firstValue("Location")).isPresent();
		return remember(joined.json()).get("memberId").asString();
	}

	/** Polls as a careful client does: saying which generation it last saw, so revoked partitions can move on. */
	private JsonNode poll(String group, String member, String query) {
		String seen = this.seenGenerations.containsKey(member) ? "&generation=" + this.seenGenerations.get(member) : "";
		JsonNode answer = this.http.get("/groups/" + group + "/members/" + member + "/records?" + query + seen).json();
		return answer.has("generation") ? remember(member, answer) : answer;
	}

	private JsonNode heartbeat(String group, String member) {
		return remember(member, heartbeatSeeing(group, member, this.seenGenerations.get(member)));
	}

	private JsonNode heartbeatSeeing(String group, String member, Integer generation) {
		String seen = (generation != null) ? "?generation=" + generation : "";
		Response response = this.http.post("/groups/" + group + "/members/" + member + "/heartbeat" + seen, "");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.json();
	}

	private JsonNode remember(JsonNode joined) {
		return remember(joined.get("memberId").asString(), joined);
	}

	private JsonNode remember(String member, JsonNode answer) {
		this.seenGenerations.put(member, answer.get("generation").asInt());
		return answer;
	}

	private JsonNode describe(String group) {
		Response described = this.http.get("/groups/" + group);
		assertThat(described.status()).as(described.toString()).isEqualTo(200);
		return described.json();
	}

	private static JsonNode findGroup(JsonNode groups, String group) {
		for (JsonNode entry : groups) {
			if (entry.get("group").asString().equals(group)) {
				return entry;
			}
		}
		throw new AssertionError(group + " is not in " + groups);
	}

	private static Set<String> partitions(JsonNode assignment) {
		Set<String> partitions = new HashSet<>();
		assignment.forEach(tp -> partitions.add(tp.get("topic").asString() + "-" + tp.get("partition").asInt()));
		return partitions;
	}

	private void createTopicOnce(String name) {
		this.http.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":1}");
	}

}
