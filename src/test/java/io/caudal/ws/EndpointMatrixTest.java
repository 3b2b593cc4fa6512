package io.caudal.ws;

import java.net.http.HttpRequest;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestEvents;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the API document, the event stream, both socket endpoints and every socket message type,
 * each called without an identity (401), by a principal without the ACLs it needs (403, or left out of a list), and
 * by one holding exactly those ACLs (neither 401 nor 403). An operation or message type missing from the table
 * fails the test, so none can be added without an authorization rule that is exercised here.
 */
class EndpointMatrixTest extends SecuredStackTest {

	private static final AtomicInteger NEXT = new AtomicInteger();

	@Test
	void everyOperationOfTheDocumentIsGuarded() {
		Map<String, Case> cases = cases();
		JsonNode document = this.anonymous.get("/v3/api-docs").json();
		List<String> checked = new ArrayList<>();
		document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
			String id = operation.getValue().get("operationId").asString();
			Case rule = cases.get(id);
			assertThat(rule).as("operation %s has no case in the authorization matrix", id).isNotNull();
			check(id, rule);
			checked.add(id);
		}));
		assertThat(checked).as("the table names only operations of the document").containsAll(cases.keySet());
	}

	@Test
	void everySocketEndpointAndMessageTypeIsGuarded() {
		String topic = "mx-sock-" + NEXT.incrementAndGet();
		String group = topic + "-g";
		createTopic(topic);
		String path = "/ws/groups/" + group + "?topics=" + topic;
		for (String socketPath : List.of("/ws/topics/" + topic, path)) {
			Throwable refused = catchHandshake(socketPath, Map.of());
			assertThat(refused).as(socketPath).isInstanceOf(WebSocketHandshakeException.class);
			assertThat(((WebSocketHandshakeException) refused).getResponse().statusCode()).isEqualTo(401);
			try (TestSocket socket = TestSocket.withHeaders(port(), socketPath, bearer(newKey(principal())))) {
				assertThat(socket.awaitClose().code()).as(socketPath).isEqualTo(1008);
				assertThat(socket.errors()).last()
					.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("NOT_AUTHORIZED"));
			}
		}
		Map<String, String> messages = Map.of("credit", "{\"type\":\"credit\",\"records\":1}", "ack",
				"{\"type\":\"ack\",\"generation\":1}", "commit", "{\"type\":\"commit\"}");
		List<String> types = Arrays.stream(ClientMessage.class.getAnnotation(JsonSubTypes.class).value())
			.map(JsonSubTypes.Type::name)
			.toList();
		assertThat(messages.keySet()).as("every message type has a case").containsExactlyInAnyOrderElementsOf(types);
		for (String type : types) {
			String principal = principal();
			String key = newKey(principal);
			grant("key:" + principal, "READ", "GROUP", "LITERAL", group);
			grant("key:" + principal, "READ", "TOPIC", "LITERAL", topic);
			try (TestSocket socket = TestSocket.withHeaders(port(), path, bearer(key))) {
				socket.awaitLast("joined", message -> true);
				socket.send(messages.get(type));
				socket.send("{\"type\":\"credit\",\"records\":1}");
				assertThat(socket.isClosed()).as("%s with its rights", type).isFalse();
				this.admin.delete("/acls?principal=key:" + principal + "&resourceType=TOPIC");
				sendUnlessClosed(socket, messages.get(type));
				assertThat(socket.awaitClose().code()).as("%s without its rights", type).isEqualTo(1008);
				assertThat(socket.errors()).anySatisfy(
						error -> assertThat(error.get("code").asString()).isEqualTo("NOT_AUTHORIZED"));
			}
		}
	}

	private void check(String id, Case rule) {
		Fixture fixture = new Fixture(principal());
		rule.prepare().accept(this, fixture);
		int anonymous = rule.call().apply(this.anonymous, fixture);
		assertThat(anonymous).as("%s without an identity", id).isEqualTo(401);

		TestHttp without = this.anonymous.bearer(newKey(fixture.principal + "-none"));
		int refused = rule.call().apply(without, fixture);
		if (rule.needs().isEmpty()) {
			assertThat(refused).as("%s needs no right", id).isBetween(200, 299);
		}
		else if (rule.listed() != null) {
			assertThat(refused).as("%s without rights", id).isEqualTo(200);
			assertThat(rule.listed().apply(without, fixture)).as("%s lists only what may be described", id).isFalse();
		}
		else {
			assertThat(refused).as("%s without %s", id, rule.needs().stream().map(Arrays::toString).toList())
				.isEqualTo(403);
		}

		TestHttp with = this.anonymous.bearer(newKey(fixture.principal));
		for (String[] acl : rule.needs()) {
			grant("key:" + fixture.principal, acl[0], acl[1], acl[2], fixture.name(acl[3]));
		}
		rule.afterGrants().accept(with, fixture);
		int allowed = rule.call().apply(with, fixture);
		assertThat(allowed).as("%s with %s", id, rule.needs().stream().map(Arrays::toString).toList())
			.isBetween(200, 299);
		if (rule.listed() != null) {
			assertThat(rule.listed().apply(with, fixture)).as("%s lists what may be described", id).isTrue();
		}
	}

	private Map<String, Case> cases() {
		Map<String, Case> cases = new LinkedHashMap<>();
		String[] describeCluster = { "DESCRIBE", "CLUSTER", "LITERAL", "caudal" };
		String[] alterCluster = { "ALTER", "CLUSTER", "LITERAL", "caudal" };
		String[] readTopic = { "READ", "TOPIC", "LITERAL", "$topic" };
		String[] readGroup = { "READ", "GROUP", "LITERAL", "$group" };
		cases.put("createSocketTicket", Case.of((http, f) -> http.post("/ws-tickets", "").status()));
		cases.put("describeSession", Case.of((http, f) -> http.get("/session").status()));
		cases.put("openSession", Case.of((http, f) -> http.post("/session", "").status()));
		cases.put("closeSession", Case.of((http, f) -> http.delete("/session").status()));
		cases.put("listTopics", Case.of((http, f) -> http.get("/topics").status(), Fixture::topic,
				new String[] { "DESCRIBE", "TOPIC", "LITERAL", "$topic" })
			.listing((http, f) -> names(http.get("/topics"), "name").contains(f.topic)));
		cases.put("createTopic", Case.of((http, f) -> http.post("/topics", "{\"name\":\"" + f.topic + "-new\"}")
			.status(), Fixture::nothing, new String[] { "CREATE", "TOPIC", "LITERAL", "$topic-new" }));
		cases.put("produce", Case.of((http, f) -> http.post("/topics/" + f.topic + "/records",
				"{\"records\":[{\"value\":1}]}").status(), Fixture::topic,
				new String[] { "WRITE", "TOPIC", "LITERAL", "$topic" }));
		cases.put("describeTopic", Case.of((http, f) -> http.get("/topics/" + f.topic).status(), Fixture::topic,
				new String[] { "DESCRIBE", "TOPIC", "LITERAL", "$topic" }));
		cases.put("partitionForKey", Case.of((http, f) -> http.get("/topics/" + f.topic + "/partition-for?key=k")
			.status(), Fixture::topic, new String[] { "DESCRIBE", "TOPIC", "LITERAL", "$topic" }));
		cases.put("metricSeries", Case.of((http, f) -> http.get("/metrics/series?name=caudal.records.in&tag=topic:"
				+ f.topic).status(), Fixture::topic, new String[] { "DESCRIBE", "TOPIC", "LITERAL", "$topic" }));
		cases.put("deleteTopic", Case.of((http, f) -> http.delete("/topics/" + f.topic).status(), Fixture::topic,
				new String[] { "DELETE", "TOPIC", "LITERAL", "$topic" }));
		cases.put("updateTopic", Case.of((http, f) -> http.patch("/topics/" + f.topic,
				"{\"partitions\":2,\"config\":{\"retention.ms\":60000}}").status(), Fixture::topic,
				new String[] { "ALTER", "TOPIC", "LITERAL", "$topic" },
				new String[] { "ALTER_CONFIGS", "TOPIC", "LITERAL", "$topic" }));
		cases.put("fetch", Case.of((http, f) -> http.get("/topics/" + f.topic + "/partitions/0/records").status(),
				Fixture::topic, readTopic));
		cases.put("offsetForTimestamp", Case.of((http, f) -> http
			.get("/topics/" + f.topic + "/partitions/0/offsets?timestamp=0").status(), Fixture::topic,
				new String[] { "DESCRIBE", "TOPIC", "LITERAL", "$topic" }));
		cases.put("streamEvents", Case.of(EndpointMatrixTest::openStream, Fixture::topic, readTopic));
		cases.put("joinGroup", Case.of((http, f) -> http.post("/groups/" + f.group + "/members",
				"{\"topics\":[\"" + f.topic + "\"]}").status(), Fixture::topic, readGroup, readTopic));
		for (String member : List.of("heartbeat", "commit", "poll", "leaveGroup")) {
			cases.put(member, Case.of((http, f) -> memberCall(http, f, member), Fixture::topic, readGroup, readTopic)
				.joinFirst());
		}
		cases.put("resetOffsets", Case.of((http, f) -> http.post("/groups/" + f.group + "/offsets/reset",
				"{\"topic\":\"" + f.topic + "\",\"to\":\"earliest\"}").status(), Fixture::topic,
				new String[] { "ALTER", "GROUP", "LITERAL", "$group" }, readTopic));
		cases.put("listGroups", Case.of((http, f) -> http.get("/groups").status(), Fixture::committedGroup,
				new String[] { "DESCRIBE", "GROUP", "LITERAL", "$group" })
			.listing((http, f) -> names(http.get("/groups"), "group").contains(f.group)));
		cases.put("describeGroup", Case.of((http, f) -> http.get("/groups/" + f.group).status(),
				Fixture::committedGroup, new String[] { "DESCRIBE", "GROUP", "LITERAL", "$group" }));
		cases.put("deleteGroup", Case.of((http, f) -> http.delete("/groups/" + f.group).status(),
				Fixture::committedGroup, new String[] { "DELETE", "GROUP", "LITERAL", "$group" }));
		cases.put("listPrincipals", Case.of((http, f) -> http.get("/principals").status(), Fixture::nothing,
				describeCluster));
		cases.put("describePrincipal", Case.of((http, f) -> http.get("/principals/" + f.principal).status(),
				Fixture::nothing, describeCluster));
		cases.put("listKeys", Case.of((http, f) -> http.get("/principals/" + f.principal + "/keys").status(),
				Fixture::nothing, describeCluster));
		cases.put("createPrincipal", Case.of((http, f) -> http.post("/principals",
				"{\"name\":\"" + f.principal + "-made-" + NEXT.incrementAndGet() + "\"}").status(), Fixture::nothing,
				alterCluster));
		cases.put("createKey", Case.of((http, f) -> http.post("/principals/" + f.principal + "/keys", "").status(),
				Fixture::nothing, alterCluster));
		cases.put("revokeKey", Case.of((http, f) -> http.delete("/principals/" + f.principal + "/keys/" + f.victimKey)
			.status(), Fixture::victimKey, alterCluster));
		cases.put("listAcls", Case.of((http, f) -> http.get("/acls").status(), Fixture::nothing, describeCluster));
		cases.put("createAcl", Case.of((http, f) -> http.post("/acls", "{\"resourceType\":\"TOPIC\",\"resourceName\":"
				+ "\"" + f.topic + "\",\"principal\":\"key:nobody\",\"operation\":\"READ\"}").status(),
				Fixture::nothing, alterCluster));
		cases.put("deleteAcls", Case.of((http, f) -> http.delete("/acls?principal=key:nobody-" + f.principal)
			.status(), Fixture::nothing, alterCluster));
		String[] alterConfigs = { "ALTER_CONFIGS", "CLUSTER", "LITERAL", "caudal" };
		cases.put("setQuota", Case.of((http, f) -> http.put("/quotas/key:" + f.principal + "-quota",
				"{\"request_rate\":100000}").status(), Fixture::nothing, alterConfigs));
		cases.put("listQuotas", Case.of((http, f) -> http.get("/quotas").status(), Fixture::nothing,
				new String[] { "DESCRIBE_CONFIGS", "CLUSTER", "LITERAL", "caudal" }));
		cases.put("deleteQuota", Case.of((http, f) -> http.delete("/quotas/key:" + f.principal + "-quota").status(),
				Fixture::nothing, alterConfigs));
		return cases;
	}

	private static int memberCall(TestHttp http, Fixture f, String call) {
		String member = "/groups/" + f.group + "/members/" + f.memberId;
		return switch (call) {
			case "heartbeat" -> http.post(member + "/heartbeat", "").status();
			case "commit" -> http.post(member + "/commit", "").status();
			case "poll" -> http.get(member + "/records").status();
			default -> http.delete(member).status();
		};
	}

	private static int openStream(TestHttp http, Fixture f) {
		Map<String, String> headers = (http.authorization() != null)
				? Map.of("Authorization", http.authorization()) : Map.of();
		try (TestEvents events = TestEvents.open(f.test.port(), "/topics/" + f.topic + "/events", null, headers)) {
			return events.status();
		}
	}

	/** The ACL change itself may close the socket before the message goes; either way the message is refused. */
	private static void sendUnlessClosed(TestSocket socket, String message) {
		try {
			socket.send(message);
		}
		catch (CompletionException ex) {
			assertThat(socket.awaitClose().code()).isEqualTo(1008);
		}
	}

	private static List<String> names(TestHttp.Response listing, String field) {
		assertThat(listing.status()).isEqualTo(200);
		return listing.json().valueStream().map(node -> node.get(field).asString()).toList();
	}

	private Throwable catchHandshake(String path, Map<String, String> headers) {
		try {
			TestSocket.withHeaders(port(), path, headers).close();
			return null;
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

	private void createTopic(String topic) {
		TestHttp.Response created = this.admin.post("/topics", "{\"name\":\"" + topic + "\"}");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
	}

	private static String principal() {
		return "mx-" + NEXT.incrementAndGet();
	}

	private static Map<String, String> bearer(String key) {
		return Map.of("Authorization", "Bearer " + key);
	}

	/** One row: what to set up, the call, the rights it needs, and (for lists) how to see an item. */
	private record Case(BiFunction<TestHttp, Fixture, Integer> call,
			BiConsumer<EndpointMatrixTest, Fixture> prepare, List<String[]> needs,
			BiFunction<TestHttp, Fixture, Boolean> listed, BiConsumer<TestHttp, Fixture> afterGrants) {

		static Case of(BiFunction<TestHttp, Fixture, Integer> call) {
			return new Case(call, Fixture::nothing, List.of(), null, (http, f) -> {
			});
		}

		static Case of(BiFunction<TestHttp, Fixture, Integer> call,
				BiConsumer<EndpointMatrixTest, Fixture> prepare, String[]... needs) {
			return new Case(call, prepare, List.of(needs), null, (http, f) -> {
			});
		}

		Case listing(BiFunction<TestHttp, Fixture, Boolean> listed) {
			return new Case(this.call, this.prepare, this.needs, listed, this.afterGrants);
		}

		/** The member calls need a member of the principal that holds the rights. */
		Case joinFirst() {
			return new Case(this.call, this.prepare, this.needs, this.listed, (http, f) -> {
				TestHttp.Response joined = http.post("/groups/" + f.group + "/members",
						"{\"topics\":[\"" + f.topic + "\"]}");
				assertThat(joined.status()).as(joined.text()).isEqualTo(201);
				f.memberId = joined.json().get("memberId").asString();
			});
		}

	}

	/** The names one row uses, unique to it, and what its setup made. */
	private static final class Fixture {

		final String principal;

		final String topic;

		final String group;

		String memberId = "no-member";

		String victimKey;

		EndpointMatrixTest test;

		Fixture(String principal) {
			this.principal = principal;
			this.topic = principal + "-t";
			this.group = principal + "-g";
		}

		String name(String pattern) {
			return pattern.replace("$topic", this.topic).replace("$group", this.group);
		}

		static void nothing(EndpointMatrixTest test, Fixture f) {
			f.test = test;
		}

		static void topic(EndpointMatrixTest test, Fixture f) {
			f.test = test;
			test.createTopic(f.topic);
		}

		static void committedGroup(EndpointMatrixTest test, Fixture f) {
			topic(test, f);
			TestHttp.Response reset = test.admin.post("/groups/" + f.group + "/offsets/reset",
					"{\"topic\":\"" + f.topic + "\",\"to\":\"earliest\"}");
			assertThat(reset.status()).as(reset.text()).isEqualTo(200);
		}

		static void victimKey(EndpointMatrixTest test, Fixture f) {
			f.test = test;
			test.newKey(f.principal);
			f.victimKey = test.admin.get("/principals/" + f.principal + "/keys").json().get(0).get("id").asString();
		}

	}

}
