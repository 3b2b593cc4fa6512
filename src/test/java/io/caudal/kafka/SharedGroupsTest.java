package io.caudal.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.caudal.support.ChildServer;
import io.caudal.support.SharedDatabaseStackTest;
import io.caudal.support.TestHttp.Response;
import io.caudal.support.TestHttp;
import io.caudal.ws.TestSocket;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One consumer group used through two Caudal nodes that share a PostgreSQL database and a Kafka cluster, as behind a
 * load balancer: a WebSocket member on one node and an HTTP member arriving through the other split the partitions,
 * and when a node dies its socket members leave within their session timeout while its HTTP members carry on
 * through the other node with the same member id, from where they were.
 */
class SharedGroupsTest extends SharedDatabaseStackTest {

	/** The generation of the HTTP member's last answer, as a client keeps it. */
	private int seenGeneration;

	@Test
	void aSocketMemberOnOneNodeAndAnHttpMemberOnAnotherSplitTheGroupAndNodeLossLeavesNoGap() throws Exception {
		String name = topic("shared-group");
		String group = topic("shared-group-g");
		this.http.createTopic(name, 4);
		try (ChildServer nodeB = startNode()) {
			TestSocket socket = TestSocket.withHeaders(nodeB.port(),
					"/ws/groups/" + group + "?topics=" + name + "&autoOffsetReset=earliest&sessionTimeoutMs=3000",
					Map.of());
			socket.awaitLast("assignment", assignment -> assignment.get("partitions").size() == 4);
			String member = join(nodeB.http(), group, name);
			socket.awaitLast("assignment", assignment -> !assignment.get("revoking").isEmpty());
			socket.send("{\"type\":\"commit\"}");
			List<Integer> httpPartitions = new ArrayList<>();
			await("both members own two partitions each").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				JsonNode polled = poll(this.http, group, member);
				httpPartitions.clear();
				polled.get("assignment").forEach(tp -> httpPartitions.add(tp.get("partition").asInt()));
				JsonNode described = this.http.get("/groups/" + group).json();
				assertThat(described.get("state").asString()).isEqualTo("STABLE");
				assertThat(httpPartitions).hasSize(2);
			});
			JsonNode described = nodeB.http().get("/groups/" + group).json();
			assertThat(described.get("members")).hasSize(2);
			List<String> transports = new ArrayList<>();
			described.get("members").forEach(m -> transports.add(m.get("transport").asString()));
			assertThat(transports).containsExactlyInAnyOrder("http", "websocket");

			StringBuilder records = new StringBuilder();
			for (int i = 0; i < 40; i++) {
				records.append((i > 0) ? "," : "").append("{\"value\":").append(i).append(",\"partition\":")
					.append(i % 4).append('}');
			}
			assertThat(this.http.post("/topics/" + name + "/records", "{\"records\":[" + records + "]}").status())
				.isEqualTo(200);
			List<Integer> overHttp = new ArrayList<>();
			overHttp.addAll(pollUpTo(nodeB.http(), group, member, 5));
			List<JsonNode> pushed = socket.awaitRecords(20);
			assertThat(pushed).as("the socket on B gets the other two partitions")
				.allSatisfy(record -> assertThat(httpPartitions).doesNotContain(record.get("partition").asInt()));

			nodeB.kill();
			await("the dead node's socket member leaves within its session timeout").atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.http.get("/groups/" + group).json().get("members")).hasSize(1));
			List<Integer> everyValue = new ArrayList<>(overHttp);
			pushed.forEach(record -> everyValue.add(record.get("value").asInt()));
			await("the HTTP member, now on A, reads the rest").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				JsonNode polled = poll(this.http, group, member);
				overHttp.addAll(values(polled));
				everyValue.addAll(values(polled));
				assertThat(polled.get("assignment")).hasSize(4);
				assertThat(everyValue).containsAll(IntStream.range(0, 40).boxed().toList());
			});
			assertThat(overHttp).as("no record twice to the member that moved").doesNotHaveDuplicates();
		}
	}

	private String join(TestHttp node, String group, String topic) {
		Response joined = node.post("/groups/" + group + "/members",
				"{\"topics\":[\"" + topic + "\"],\"autoOffsetReset\":\"earliest\",\"sessionTimeoutMs\":30000}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		this.seenGeneration = joined.json().get("generation").asInt();
		return joined.json().get("memberId").asString();
	}

	/** Polls as a careful client does, saying which generation it last saw, whichever node it calls. */
	private JsonNode poll(TestHttp node, String group, String member) {
		Response polled = node.get("/groups/" + group + "/members/" + member + "/records?maxRecords=5&generation="
				+ this.seenGeneration);
		assertThat(polled.status()).as(polled.toString()).isEqualTo(200);
		this.seenGeneration = polled.json().get("generation").asInt();
		return polled.json();
	}

	/** Polls until {@code count} records came or a poll brings none. */
	private List<Integer> pollUpTo(TestHttp node, String group, String member, int count) {
		List<Integer> values = new ArrayList<>();
		while (values.size() < count) {
			List<Integer> polled = values(poll(node, group, member));
			if (polled.isEmpty()) {
				break;
			}
			values.addAll(polled);
		}
		return values;
	}

	private static List<Integer> values(JsonNode polled) {
		List<Integer> values = new ArrayList<>();
		polled.get("records").forEach(record -> values.add(record.get("value").asInt()));
		return values;
	}

}
