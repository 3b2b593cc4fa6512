package io.caudal.offset;

import java.nio.file.Path;
import java.util.List;

import io.caudal.support.CaudalServer;
import io.caudal.support.PostgresStackTest;
import io.caudal.support.PostgresTestServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's journey on PostgreSQL through real HTTP: topics, records, a consumer group that commits, hands over and
 * is reset, each step checked in the database too; and a restart, with security on, that finds topics, offsets,
 * membership, principals, keys, ACLs and quotas where it left them, listed in the same order although the database
 * collates text otherwise than Java does (see {@link PostgresTestServer#newDatabase}).
 */
class PostgresJourneyTest extends PostgresStackTest {

	@Autowired
	JdbcClient jdbc;

	@Test
	void theServerRunsOnPostgres() {
		assertThat(this.jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL");
	}

	@Test
	void topicsAreCreatedGrownReconfiguredAndDeletedInTheDatabase() {
		Response created = this.http.post("/topics",
				"{\"name\":\"pg-topics\",\"partitions\":2,\"config\":{\"retention.ms\":3600000}}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(partitionsStored("pg-topics")).containsExactly(2);
		assertThat(this.jdbc.sql("SELECT config_value FROM topic_configs WHERE topic_name = ? AND config_key = ?")
			.params("pg-topics", "retention.ms")
			.query(String.class)
			.list()).containsExactly("3600000");

		Response grown = this.http.patch("/topics/pg-topics",
				"{\"partitions\":3,\"config\":{\"retention.ms\":7200000}}");
		assertThat(grown.status()).as(grown.toString()).isEqualTo(200);
		JsonNode described = this.http.get("/topics/pg-topics").json();
		assertThat(described.get("partitions").asInt()).isEqualTo(3);
		assertThat(described.get("config").get("retention.ms").asLong()).isEqualTo(7200000);
		assertThat(partitionsStored("pg-topics")).containsExactly(3);

		assertThat(this.http.delete("/topics/pg-topics").status()).isEqualTo(204);
		assertThat(partitionsStored("pg-topics")).isEmpty();
		assertThat(this.http.get("/topics/pg-topics").status()).isEqualTo(404);
	}

	@Test
	void recordsAreProducedAndFetched() {
		this.http.createTopic("pg-records", 1);
		this.http.produce("pg-records", "{\"key\":\"user-42\",\"value\":{\"amount\":10},\"headers\":{\"source\":\"web\"}},"
				+ "{\"value\":\"no key\"}");
		JsonNode fetched = this.http.get("/topics/pg-records/partitions/0/records?offset=earliest").json();
		assertThat(fetched.get("records")).hasSize(2);
		assertThat(fetched.get("records").get(0).get("key").asString()).isEqualTo("user-42");
		assertThat(fetched.get("records").get(0).get("value").get("amount").asInt()).isEqualTo(10);
		assertThat(fetched.get("records").get(1).get("value").asString()).isEqualTo("no key");
		assertThat(fetched.get("nextOffset").asLong()).isEqualTo(2);
	}

	@Test
	void aMemberCommitsAndTheNextMemberResumesAtTheCommittedOffset() {
		this.http.createTopic("pg-handover", 1);
		this.http.produce("pg-handover", "{\"value\":0},{\"value\":1},{\"value\":2},{\"value\":3}");
		String first = join("pg-handover-group", "{\"topics\":[\"pg-handover\"],\"autoOffsetReset\":\"earliest\"}");
		assertThat(offsets(poll("pg-handover-group", first, 2))).containsExactly(0L, 1L);
		Response committed = this.http.post("/groups/pg-handover-group/members/" + first + "/commit", "");
		assertThat(committed.status()).as(committed.toString()).isEqualTo(200);
		assertThat(committedStored("pg-handover-group", "pg-handover")).containsExactly(2L);
		assertThat(this.http.delete("/groups/pg-handover-group/members/" + first).status()).isEqualTo(204);

		// "latest" would skip both records left: the committed offset wins over it.
		String next = join("pg-handover-group", "{\"topics\":[\"pg-handover\"],\"autoOffsetReset\":\"latest\"}");
		assertThat(offsets(poll("pg-handover-group", next, 100))).containsExactly(2L, 3L);
		assertThat(memberIdsStored("pg-handover-group")).containsExactly(next);
	}

	@Test
	void anEmptyGroupsOffsetsAreResetAndAMemberStartsThere() {
		this.http.createTopic("pg-reset", 1);
		this.http.produce("pg-reset", "{\"value\":0},{\"value\":1},{\"value\":2}");
		Response reset = this.http.post("/groups/pg-reset-group/offsets/reset",
				"{\"topic\":\"pg-reset\",\"to\":\"offset:1\"}");
		assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
		assertThat(committedStored("pg-reset-group", "pg-reset")).containsExactly(1L);

		String member = join("pg-reset-group", "{\"topics\":[\"pg-reset\"]}");
		assertThat(offsets(poll("pg-reset-group", member, 100))).containsExactly(1L, 2L);
		assertThat(this.http.post("/groups/pg-reset-group/members/" + member + "/commit", "").status()).isEqualTo(200);
		assertThat(this.http.delete("/groups/pg-reset-group/members/" + member).status()).isEqualTo(204);

		assertThat(this.http.post("/groups/pg-reset-group/offsets/reset", "{\"topic\":\"pg-reset\",\"to\":\"earliest\"}")
			.status()).isEqualTo(200);
		assertThat(committedStored("pg-reset-group", "pg-reset")).containsExactly(0L);
		assertThat(this.http.get("/groups/pg-reset-group").json().get("offsets").get(0).get("lag").asLong())
			.isEqualTo(3);
	}

	@Test
	void aRestartFindsEverythingInTheDatabase(@TempDir Path dataDir) {
		String[] settings = { "spring.datasource.url=" + PostgresTestServer.shared().newDatabase(),
				"spring.datasource.username=" + PostgresTestServer.USER, "spring.datasource.password=",
				"caudal.security.enabled=true", "caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY };
		String member;
		String key;
		JsonNode groupBefore;
		try (CaudalServer server = CaudalServer.start(dataDir, settings)) {
			TestHttp admin = server.http().bearer(SecuredStackTest.ADMIN_KEY);
			assertThat(admin.post("/topics", "{\"name\":\"kept\",\"partitions\":2}").status()).isEqualTo(201);
			assertThat(admin.post("/topics", "{\"name\":\"Kept-audit\"}").status()).isEqualTo(201);
			assertThat(admin.post("/topics/kept/records", "{\"records\":[{\"value\":1,\"partition\":0},"
					+ "{\"value\":2,\"partition\":0},{\"value\":3,\"partition\":1}]}").status()).isEqualTo(200);
			member = admin.post("/groups/keepers/members",
					"{\"topics\":[\"Kept-audit\",\"kept\"],\"autoOffsetReset\":\"earliest\",\"instanceId\":\"box-1\"}")
				.json()
				.get("memberId")
				.asString();
			assertThat(admin.get("/groups/keepers/members/" + member + "/records?maxRecords=1").status()).isEqualTo(200);
			assertThat(admin.post("/groups/keepers/members/" + member + "/commit", "").status()).isEqualTo(200);
			groupBefore = admin.get("/groups/keepers").json();

			assertThat(admin.post("/principals", "{\"name\":\"keeper\"}").status()).isEqualTo(201);
			assertThat(admin.post("/principals", "{\"name\":\"Keeper-2\"}").status()).isEqualTo(201);
			key = admin.post("/principals/keeper/keys", "").json().get("key").asString();
			assertThat(admin.post("/acls", "{\"resourceType\":\"TOPIC\",\"resourceName\":\"kept\",\"principal\":"
					+ "\"key:keeper\",\"operation\":\"READ\"}").status()).isEqualTo(201);
			assertThat(admin.put("/quotas/key:keeper", "{\"request_rate\":1000}").status()).isEqualTo(200);
		}
		try (CaudalServer server = CaudalServer.start(dataDir, settings)) {
			TestHttp admin = server.http().bearer(SecuredStackTest.ADMIN_KEY);
			assertThat(admin.get("/topics/kept").json().get("partitions").asInt()).isEqualTo(2);
			JsonNode groupAfter = admin.get("/groups/keepers").json();
			assertThat(groupAfter.get("generation")).isEqualTo(groupBefore.get("generation"));
			assertThat(groupAfter.get("members")).isEqualTo(groupBefore.get("members"));
			assertThat(groupAfter.get("offsets")).isEqualTo(groupBefore.get("offsets"));
			assertThat(groupAfter.get("members").get(0).get("memberId").asString()).isEqualTo(member);

			TestHttp keeper = server.http().bearer(key);
			assertThat(keeper.get("/session").json().get("principal").asString()).isEqualTo("key:keeper");
			assertThat(keeper.get("/topics/kept/partitions/1/records?offset=earliest").status()).isEqualTo(200);
			assertThat(keeper.get("/topics/kept/partitions/1/records?offset=earliest").json().get("records"))
				.hasSize(1);
			assertThat(admin.get("/principals").json().valueStream().map(p -> p.get("name").asString()))
				.containsExactly("Keeper-2", "keeper");
			assertThat(admin.get("/acls?principal=key:keeper").json()).hasSize(1);
			assertThat(admin.get("/quotas").json().get(0).get("request_rate").asLong()).isEqualTo(1000);
			assertThat(admin.delete("/quotas/key:keeper").status()).isEqualTo(204);
			assertThat(admin.get("/quotas").json()).isEmpty();
		}
	}

	private String join(String group, String body) {
		Response joined = this.http.post("/groups/" + group + "/members", body);
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		return joined.json().get("memberId").asString();
	}

	private JsonNode poll(String group, String member, int maxRecords) {
		Response polled = this.http.get("/groups/" + group + "/members/" + member + "/records?maxRecords=" + maxRecords);
		assertThat(polled.status()).as(polled.toString()).isEqualTo(200);
		return polled.json();
	}

	private static List<Long> offsets(JsonNode answer) {
		return answer.get("records").valueStream().map(record -> record.get("offset").asLong()).toList();
	}

	private List<Integer> partitionsStored(String topic) {
		return this.jdbc.sql("SELECT partitions FROM topics WHERE name = ?").param(topic).query(Integer.class).list();
	}

	private List<Long> committedStored(String group, String topic) {
		return this.jdbc.sql("SELECT committed_offset FROM committed_offsets WHERE group_id = ? AND topic = ?")
			.params(group, topic)
			.query(Long.class)
			.list();
	}

	private List<String> memberIdsStored(String group) {
		return this.jdbc.sql("SELECT member_id FROM group_members WHERE group_id = ?")
			.param(group)
			.query(String.class)
			.list();
	}

}
