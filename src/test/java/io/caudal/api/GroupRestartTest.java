package io.caudal.api;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.caudal.offset.OffsetStore;
import io.caudal.offset.PartitionOffset;
import io.caudal.support.CaudalServer;
import io.caudal.support.TestHttp;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Committed offsets and HTTP memberships survive a restart of the whole application on the same data directory, and
 * so do groups stored under ids the current rule would refuse.
 */
class GroupRestartTest {

	@TempDir
	Path dataDir;

	@Test
	void committedOffsetsAndMembershipSurviveARestart() {
		String member;
		JsonNode before;
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			TestHttp http = server.http();
			assertThat(http.post("/topics", "{\"name\":\"kept\",\"partitions\":2}").status()).isEqualTo(201);
			assertThat(http.post("/topics/kept/records", "{\"records\":[{\"value\":1,\"partition\":0},"
					+ "{\"value\":2,\"partition\":0},{\"value\":3,\"partition\":0},{\"value\":4,\"partition\":1}]}")
				.status()).isEqualTo(200);
			Response joined = http.post("/groups/keepers/members",
					"{\"topics\":[\"kept\"],\"autoOffsetReset\":\"earliest\",\"sessionTimeoutMs\":60000}");
			member = joined.json().get("memberId").asString();
			JsonNode polled = http.get("/groups/keepers/members/" + member + "/records?maxRecords=2").json();
			assertThat(polled.get("records")).hasSize(2);
			assertThat(http.post("/groups/keepers/members/" + member + "/commit", "").status()).isEqualTo(200);
			before = http.get("/groups/keepers").json();
		}
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			TestHttp http = server.http();
			JsonNode after = http.get("/groups/keepers").json();
			assertThat(after.get("generation")).isEqualTo(before.get("generation"));
			assertThat(after.get("members")).isEqualTo(before.get("members"));
			assertThat(after.get("offsets")).isEqualTo(before.get("offsets"));
			assertThat(after.get("state").asString()).isEqualTo("STABLE");

			Response polled = http.get("/groups/keepers/members/" + member + "/records");
			assertThat(polled.status()).as(polled.toString()).isEqualTo(200);
			Set<String> records = new HashSet<>();
			polled.json().get("records").forEach(r -> records.add(r.get("partition").asInt() + "@" + r.get("offset").asLong()));
			assertThat(records).containsExactlyInAnyOrder("0@2", "1@0");
		}
	}

	@Test
	void aGroupStoredUnderAnIdTheRuleNowRefusesStaysDescribableAndDeletable() {
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			assertThat(server.http().post("/topics", "{\"name\":\"legacy\",\"partitions\":1}").status()).isEqualTo(201);
			// Written as an earlier version, which accepted any id without control characters, would have.
			server.bean(OffsetStore.class).resetOffsets("old group!",
					List.of(new PartitionOffset("legacy", 0, 0)), System.currentTimeMillis());
		}
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			TestHttp http = server.http();
			Response described = http.get("/groups/old%20group%21");
			assertThat(described.status()).as(described.toString()).isEqualTo(200);
			assertThat(described.json().get("offsets").get(0).get("committedOffset").asLong()).isZero();
			assertThat(http.get("/groups").json().valueStream().map(group -> group.get("group").asString()))
				.contains("old group!");
			assertThat(http.post("/groups/old%20group%21/members", "{\"topics\":[\"legacy\"]}").status())
				.as("joining needs a valid id").isEqualTo(400);
			assertThat(http.delete("/groups/old%20group%21").status()).isEqualTo(204);
			assertThat(http.get("/groups/old%20group%21").status()).isEqualTo(404);
		}
	}

}
