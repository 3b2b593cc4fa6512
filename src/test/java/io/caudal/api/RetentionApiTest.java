package io.caudal.api;

import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp.Response;
import io.caudal.topic.FileStorage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention deletes whole old segments and moves the partition's start offset up. */
class RetentionApiTest extends FullStackTest {

	@Autowired
	private FileStorage topics;

	@Test
	void expiredSegmentsAreDeletedAndStartOffsetMovesUp() {
		assertThat(this.http.post("/topics",
				"{\"name\":\"retained\",\"config\":{\"segment.bytes\":1048576,\"retention.ms\":60000}}").status())
			.isEqualTo(201);
		// Each record fills most of a segment, the smallest allowed, so each goes to a segment of its own.
		String old = "{\"value\":\"" + "o".repeat(600_000) + "\",\"timestamp\":1000}";
		for (int i = 0; i < 6; i++) {
			assertThat(this.http.post("/topics/retained/records", "{\"records\":[" + old + "]}").status()).isEqualTo(200);
		}
		String fresh = "{\"value\":\"fresh\"}";
		assertThat(this.http.post("/topics/retained/records", "{\"records\":[" + fresh + "]}").status()).isEqualTo(200);

		assertThat(this.topics.applyRetention()).isPositive();

		JsonNode partition = this.http.get("/topics/retained").json().get("partitionInfo").get(0);
		long start = partition.get("startOffset").asLong();
		assertThat(start).isPositive();
		assertThat(partition.get("endOffset").asLong()).isEqualTo(7);
		Response beforeStart = this.http.get("/topics/retained/partitions/0/records?offset=0");
		assertThat(beforeStart.status()).isEqualTo(416);
		assertThat(beforeStart.json().get("startOffset").asLong()).isEqualTo(start);
		Response fromEarliest = this.http.get("/topics/retained/partitions/0/records?offset=earliest");
		assertThat(fromEarliest.json().get("records").get(0).get("offset").asLong()).isEqualTo(start);
		assertThat(fromEarliest.json().get("records").valueStream()
			.anyMatch(record -> record.get("value").asString().equals("fresh"))).isTrue();
	}

}
