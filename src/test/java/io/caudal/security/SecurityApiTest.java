package io.caudal.security;

import java.net.http.HttpRequest;
import java.util.List;

import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys, ACLs, 401 and 403 through real HTTP against a server with security on. */
class SecurityApiTest extends SecuredStackTest {

	private static final String RECORD = "{\"records\":[{\"value\":{\"n\":1}}]}";

	@Test
	void answersTellWhichOperationsTheCallerMayPerformAsKafkasAuthorizedOperations() {
		assertThat(this.admin.post("/topics", "{\"name\":\"authorized-ops\"}").status()).isEqualTo(201);
		assertThat(this.admin.post("/groups/authorized-ops-g/offsets/reset",
				"{\"topic\":\"authorized-ops\",\"to\":\"earliest\"}").status()).isEqualTo(200);
		TestHttp reader = this.anonymous.bearer(newKey("ops-reader"));
		grant("key:ops-reader", "READ", "TOPIC", "LITERAL", "authorized-ops");
		grant("key:ops-reader", "DESCRIBE", "GROUP", "LITERAL", "authorized-ops-g");

		assertThat(reader.get("/topics/authorized-ops").json().get("authorizedOperations").valueStream()
			.map(JsonNode::asString)).containsExactly("READ", "DESCRIBE");
		assertThat(reader.get("/groups/authorized-ops-g").json().get("authorizedOperations").valueStream()
			.map(JsonNode::asString)).containsExactly("DESCRIBE");
		assertThat(reader.get("/session").json().get("authorizedOperations")).isEmpty();
		assertThat(this.admin.get("/topics/authorized-ops").json().get("authorizedOperations").valueStream()
			.map(JsonNode::asString)).containsExactly("READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE",
					"DESCRIBE_CONFIGS", "ALTER_CONFIGS");
		assertThat(this.admin.get("/session").json().get("authorizedOperations").valueStream()
			.map(JsonNode::asString)).containsExactly("CREATE", "ALTER", "DESCRIBE", "DESCRIBE_CONFIGS",
					"ALTER_CONFIGS");
	}

	@Test
	void aCallWithoutAnIdentityIs401WithWwwAuthenticate() {
		TestHttp.Response answer = this.anonymous.get("/topics");
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				value -> assertThat(value).startsWith("Bearer"));
		assertThat(answer.contentType()).startsWith("application/problem+json");
		assertThat(answer.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
	}

	@Test
	void anUnknownKeyOrAGarbageTokenIs401() {
		for (String token : List.of("cdl_NotAKeyTheServerEverMade", "not-a-jwt", "eyJhbGciOiJub25lIn0.e30.")) {
			TestHttp.Response answer = this.anonymous.bearer(token).get("/topics");
			assertThat(answer.status()).as(token).isEqualTo(401);
			assertThat(answer.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
			assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
		}
	}

	@Test
	void probesAndTheApiDocumentNeedNoIdentity() {
		assertThat(this.anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/v3/api-docs").status()).isEqualTo(200);
		assertThat(this.anonymous.get("/actuator/health").status()).isEqualTo(401);
		assertThat(this.anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
	}

	@Test
	void metricsNeedDescribeOnTheCluster() {
		String key = newKey("watcher");
		assertThat(this.anonymous.bearer(key).get("/actuator/prometheus").status()).isEqualTo(403);
		grant("key:watcher", "DESCRIBE", "CLUSTER", "LITERAL", "caudal");
		assertThat(this.anonymous.bearer(key).get("/actuator/prometheus").status()).isEqualTo(200);
	}

	@Test
	void aPrefixedWriteGrantLetsAPrincipalProduceToThoseTopicsOnly() {
		assertThat(this.admin.post("/topics", "{\"name\":\"orders-eu\"}").status()).isEqualTo(201);
		assertThat(this.admin.post("/topics", "{\"name\":\"payments-eu\"}").status()).isEqualTo(201);
		TestHttp billing = this.anonymous.bearer(newKey("billing"));

		TestHttp.Response refused = billing.post("/topics/orders-eu/records", RECORD);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("code").asString()).isEqualTo("NOT_AUTHORIZED");
		assertThat(refused.json().get("detail").asString()).contains("key:billing", "WRITE", "TOPIC", "orders-eu");

		grant("key:billing", "WRITE", "TOPIC", "PREFIXED", "orders-");
		assertThat(billing.post("/topics/orders-eu/records", RECORD).status()).isEqualTo(200);
		assertThat(billing.post("/topics/payments-eu/records", RECORD).status()).isEqualTo(403);
		assertThat(this.admin.get("/topics/payments-eu").json().get("partitionInfo").get(0).get("endOffset").asLong())
			.isZero();
		// WRITE implies DESCRIBE, not READ.
		assertThat(billing.get("/topics/orders-eu").status()).isEqualTo(200);
		assertThat(billing.get("/topics/orders-eu/partitions/0/records").status()).isEqualTo(403);
	}

	@Test
	void aDenyWinsOverEveryAllow() {
		assertThat(this.admin.post("/topics", "{\"name\":\"deny-wins\"}").status()).isEqualTo(201);
		TestHttp reader = this.anonymous.bearer(newKey("reader-denied"));
		grant("key:reader-denied", "ALL", "TOPIC", "LITERAL", "*");
		assertThat(reader.get("/topics/deny-wins/partitions/0/records").status()).isEqualTo(200);
		acl("DENY", "key:reader-denied", "READ", "TOPIC", "PREFIXED", "deny-");
		assertThat(reader.get("/topics/deny-wins/partitions/0/records").status()).isEqualTo(403);
		assertThat(reader.get("/topics/deny-wins").status()).isEqualTo(200);
	}

	@Test
	void listsShowOnlyWhatTheCallerMayDescribe() {
		for (String topic : List.of("visible-1", "visible-2", "hidden-1")) {
			assertThat(this.admin.post("/topics", "{\"name\":\"" + topic + "\"}").status()).isEqualTo(201);
		}
		TestHttp viewer = this.anonymous.bearer(newKey("viewer"));
		grant("key:viewer", "DESCRIBE", "TOPIC", "PREFIXED", "visible-");
		List<String> names = viewer.get("/topics").json().valueStream().map(t -> t.get("name").asString()).toList();
		assertThat(names).containsExactly("visible-1", "visible-2");
		assertThat(viewer.get("/topics/hidden-1").status()).isEqualTo(403);
	}

	@Test
	void creatingATopicNeedsCreateOnItOrOnTheCluster() {
		TestHttp maker = this.anonymous.bearer(newKey("maker"));
		assertThat(maker.post("/topics", "{\"name\":\"made-1\"}").status()).isEqualTo(403);
		assertThat(this.admin.get("/topics/made-1").status()).isEqualTo(404);
		grant("key:maker", "CREATE", "TOPIC", "PREFIXED", "made-");
		assertThat(maker.post("/topics", "{\"name\":\"made-1\"}").status()).isEqualTo(201);
		assertThat(maker.post("/topics", "{\"name\":\"other-1\"}").status()).isEqualTo(403);
		grant("key:maker", "CREATE", "CLUSTER", "LITERAL", "caudal");
		assertThat(maker.post("/topics", "{\"name\":\"other-1\"}").status()).isEqualTo(201);
	}

	@Test
	void superUsersBypassTheAcls() {
		TestHttp operator = this.anonymous.bearer(newKey("operator"));
		assertThat(operator.post("/topics", "{\"name\":\"by-operator\"}").status()).isEqualTo(201);
		assertThat(operator.delete("/topics/by-operator").status()).isEqualTo(204);
	}

	@Test
	void aRevokedKeyAuthenticatesNothingAndTheOtherKeysGoOn() {
		String first = newKey("rotating");
		String second = anotherKey("rotating");
		assertThat(this.anonymous.bearer(first).get("/session").json().get("principal").asString())
			.isEqualTo("key:rotating");
		TestHttp.Response keys = this.admin.get("/principals/rotating/keys");
		assertThat(keys.text()).doesNotContain(first, second);
		String firstId = keys.json().get(0).get("id").asString();
		assertThat(this.admin.delete("/principals/rotating/keys/" + firstId).status()).isEqualTo(204);
		assertThat(this.anonymous.bearer(first).get("/session").status()).isEqualTo(401);
		assertThat(this.anonymous.bearer(second).get("/session").status()).isEqualTo(200);
		assertThat(this.admin.delete("/principals/rotating/keys/" + firstId).json().get("code").asString())
			.isEqualTo("KEY_NOT_FOUND");
	}

	@Test
	void principalsKeysAndAclsNeedAlterOnTheCluster() {
		TestHttp intruder = this.anonymous.bearer(newKey("intruder"));
		assertThat(intruder.post("/principals", "{\"name\":\"mine\"}").status()).isEqualTo(403);
		assertThat(intruder.post("/principals/intruder/keys", "").status()).isEqualTo(403);
		assertThat(intruder.post("/acls", "{\"resourceType\":\"TOPIC\",\"resourceName\":\"*\",\"principal\":"
				+ "\"key:intruder\",\"operation\":\"ALL\"}").status()).isEqualTo(403);
		assertThat(intruder.get("/acls").status()).isEqualTo(403);
	}

	@Test
	void aclsAreListedAndDeletedByFilter() {
		grant("jwt:ana@example.com", "READ", "GROUP", "PREFIXED", "ana-");
		grant("jwt:ana@example.com", "READ", "TOPIC", "LITERAL", "ana-topic");
		TestHttp.Response listed = this.admin.get("/acls?principal=jwt:ana@example.com");
		assertThat(listed.json().size()).isEqualTo(2);
		assertThat(this.admin.get("/acls?principal=jwt:ana@example.com&resourceType=GROUP").json().size())
			.isEqualTo(1);
		assertThat(this.admin.delete("/acls").status()).isEqualTo(400);
		assertThat(this.admin.get("/acls?operation=EAT").json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		TestHttp.Response deleted = this.admin.delete("/acls?principal=jwt:ana@example.com&resourceType=TOPIC");
		assertThat(deleted.json().get("deleted").size()).isEqualTo(1);
		assertThat(deleted.json().get("deleted").get(0).get("resourceName").asString()).isEqualTo("ana-topic");
		assertThat(this.admin.get("/acls?principal=jwt:ana@example.com").json().size()).isEqualTo(1);
	}

	@Test
	void badAclsAndPrincipalsAreRefused() {
		assertThat(this.admin.post("/acls", "{\"resourceType\":\"TOPIC\",\"resourceName\":\"x\",\"principal\":"
				+ "\"admin\",\"operation\":\"READ\"}").json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		assertThat(this.admin.post("/acls", "{\"resourceType\":\"CLUSTER\",\"resourceName\":\"other\",\"principal\":"
				+ "\"key:x\",\"operation\":\"READ\"}").status()).isEqualTo(400);
		assertThat(this.admin.post("/principals", "{\"name\":\"bad name\"}").status()).isEqualTo(400);
		assertThat(this.admin.post("/principals", "{\"name\":\"admin\"}").json().get("code").asString())
			.isEqualTo("PRINCIPAL_EXISTS");
		assertThat(this.admin.post("/principals/nobody/keys", "").json().get("code").asString())
			.isEqualTo("PRINCIPAL_NOT_FOUND");
	}

	@Test
	void aStaticInstanceIdBelongsToThePrincipalThatFirstUsedIt() {
		assertThat(this.admin.post("/topics", "{\"name\":\"static-topic\"}").status()).isEqualTo(201);
		TestHttp first = this.anonymous.bearer(newKey("static-a"));
		TestHttp second = this.anonymous.bearer(newKey("static-b"));
		for (String principal : List.of("key:static-a", "key:static-b")) {
			grant(principal, "READ", "GROUP", "LITERAL", "static-group");
			grant(principal, "READ", "TOPIC", "LITERAL", "static-topic");
		}
		String join = "{\"topics\":[\"static-topic\"],\"instanceId\":\"worker-1\"}";
		assertThat(first.post("/groups/static-group/members", join).status()).isEqualTo(201);
		TestHttp.Response takeover = second.post("/groups/static-group/members", join);
		assertThat(takeover.status()).isEqualTo(403);
		assertThat(takeover.json().get("code").asString()).isEqualTo("NOT_AUTHORIZED");
		assertThat(first.post("/groups/static-group/members", join).status()).isEqualTo(201);
	}

	@Test
	void groupCallsNeedReadOnTheGroupAndOnEveryTopicOfTheMember() {
		assertThat(this.admin.post("/topics", "{\"name\":\"member-topic\"}").status()).isEqualTo(201);
		TestHttp member = this.anonymous.bearer(newKey("member"));
		String join = "{\"topics\":[\"member-topic\"]}";
		assertThat(member.post("/groups/member-group/members", join).status()).isEqualTo(403);
		grant("key:member", "READ", "GROUP", "LITERAL", "member-group");
		assertThat(member.post("/groups/member-group/members", join).status()).isEqualTo(403);
		grant("key:member", "READ", "TOPIC", "LITERAL", "member-topic");
		TestHttp.Response joined = member.post("/groups/member-group/members", join);
		assertThat(joined.status()).isEqualTo(201);
		String path = "/groups/member-group/members/" + joined.json().get("memberId").asString();
		assertThat(member.get(path + "/records").status()).isEqualTo(200);
		this.admin.delete("/acls?principal=key:member&resourceType=TOPIC");
		assertThat(member.get(path + "/records").status()).isEqualTo(403);
		assertThat(member.post(path + "/commit", "").status()).isEqualTo(403);
	}

	@Test
	void aPrincipalHoldsAtMostItsCapOfGroupMembers() {
		assertThat(this.admin.post("/topics", "{\"name\":\"members-capped\"}").status()).isEqualTo(201);
		TestHttp member = this.anonymous.bearer(newKey("many-members"));
		grant("key:many-members", "READ", "GROUP", "PREFIXED", "capped-");
		grant("key:many-members", "READ", "TOPIC", "LITERAL", "members-capped");
		String join = "{\"topics\":[\"members-capped\"]}";
		List<String> members = new java.util.ArrayList<>();
		for (String group : List.of("capped-a", "capped-b", "capped-a")) {
			TestHttp.Response joined = member.post("/groups/" + group + "/members", join);
			assertThat(joined.status()).isEqualTo(201);
			members.add("/groups/" + group + "/members/" + joined.json().get("memberId").asString());
		}
		TestHttp.Response refused = member.post("/groups/capped-c/members", join);
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.json().get("code").asString()).isEqualTo("RESOURCE_LIMIT");
		assertThat(this.admin.get("/groups/capped-c").status()).isEqualTo(404);
		assertThat(member.delete(members.get(0)).status()).isEqualTo(204);
		assertThat(member.post("/groups/capped-c/members", join).status()).isEqualTo(201);
	}

	@Test
	void noOtherPrincipalMayActAsAMember() {
		assertThat(this.admin.post("/topics", "{\"name\":\"owned-topic\"}").status()).isEqualTo(201);
		TestHttp alice = this.anonymous.bearer(newKey("alice"));
		TestHttp bob = this.anonymous.bearer(newKey("bob"));
		for (String principal : List.of("key:alice", "key:bob")) {
			grant(principal, "READ", "GROUP", "LITERAL", "owned-group");
			grant(principal, "READ", "TOPIC", "LITERAL", "owned-topic");
		}
		TestHttp.Response joined = alice.post("/groups/owned-group/members", "{\"topics\":[\"owned-topic\"]}");
		String member = "/groups/owned-group/members/" + joined.json().get("memberId").asString();
		assertThat(bob.get(member + "/records").status()).isEqualTo(403);
		assertThat(bob.post(member + "/commit", "").status()).isEqualTo(403);
		assertThat(bob.delete(member).status()).isEqualTo(403);
		assertThat(alice.get(member + "/records").status()).isEqualTo(200);
		assertThat(alice.delete(member).status()).isEqualTo(204);
	}

	@Test
	void aSocketTicketIsNoBearerToken() {
		TestHttp holder = this.anonymous.bearer(newKey("ticket-holder"));
		String ticket = holder.post("/ws-tickets", "").json().get("ticket").asString();
		TestHttp.Response refused = this.anonymous.bearer(ticket).get("/session");
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
		assertThat(this.anonymous.bearer(ticket).post("/session", "").status()).isEqualTo(401);
	}

	@Test
	void aCrossOriginPreflightOfAnAllowedOriginIsAnswered() {
		TestHttp.Response preflight = this.anonymous.send(HttpRequest.newBuilder(this.anonymous.uri("/topics"))
			.header("Origin", "https://dashboard.example")
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "authorization,content-type")
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
		assertThat(preflight.status()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://dashboard.example");
	}

	@Test
	void aFormBodyWithParameterNamesTheFirewallRefusesIs400() {
		TestHttp.Response answer = this.admin.send(HttpRequest.newBuilder(
				this.admin.uri("/groups/fw-group/members/00000000-0000-0000-0000-000000000000/commit"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("G9⁴℟pB♷ᄯ {᪟k⭶9nZVL߯|=")));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
	}

	@Test
	void anInstanceIdIsClaimedOnlyInAValidGroup() {
		assertThat(this.admin.post("/topics", "{\"name\":\"claim-topic\"}").status()).isEqualTo(201);
		TestHttp.Response answer = this.admin.post("/groups/" + "g".repeat(300) + "/members",
				"{\"topics\":[\"claim-topic\"],\"instanceId\":\"w-1\"}");
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
	}

	@Test
	void idempotencyKeysAreScopedToThePrincipal() {
		assertThat(this.admin.post("/topics", "{\"name\":\"idem-scoped\"}").status()).isEqualTo(201);
		TestHttp one = this.anonymous.bearer(newKey("idem-one"));
		TestHttp two = this.anonymous.bearer(newKey("idem-two"));
		grant("key:idem-one", "WRITE", "TOPIC", "LITERAL", "idem-scoped");
		grant("key:idem-two", "WRITE", "TOPIC", "LITERAL", "idem-scoped");
		TestHttp.Response first = one.send(produce("idem-scoped", "order-1", "{\"records\":[{\"value\":1}]}"));
		TestHttp.Response second = two.send(produce("idem-scoped", "order-1", "{\"records\":[{\"value\":2}]}"));
		assertThat(first.status()).isEqualTo(200);
		assertThat(second.status()).as(second.text()).isEqualTo(200);
		assertThat(second.json().get("offsets").get(0).get("offset").asLong()).isEqualTo(1);
	}

	@Test
	void whatTheFirewallRefusesIsAProblem() {
		for (String path : List.of("/topics/a;b", "/topics/%25", "/topics//x", "/topics/%2e%2e/x")) {
			TestHttp.Response answer = this.admin.get(path);
			assertThat(answer.status()).as(path).isEqualTo(400);
			assertThat(answer.contentType()).as(path).startsWith("application/problem+json");
			assertThat(answer.json().get("code").asString()).isEqualTo("INVALID_REQUEST");
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void everyChangeIsOneAuditLineWhateverItsOutcome(CapturedOutput output) {
		assertThat(this.admin.post("/topics", "{\"name\":\"audited\"}").status()).isEqualTo(201);
		String key = newKey("audit-intruder");
		TestHttp intruder = this.anonymous.bearer(key);
		assertThat(intruder.delete("/topics/audited").status()).isEqualTo(403);
		assertThat(this.admin.delete("/topics/audited").status()).isEqualTo(204);
		assertThat(output.getOut()).contains("principal=\"key:admin\" operation=createTopic resource=\"TOPIC /topics\" "
				+ "outcome=success status=201 client=127.0.0.1")
			.contains("principal=\"key:audit-intruder\" operation=deleteTopic resource=\"TOPIC /topics/audited\" "
					+ "outcome=refused status=403 client=127.0.0.1")
			.contains("principal=\"key:admin\" operation=deleteTopic resource=\"TOPIC /topics/audited\" "
					+ "outcome=success status=204 client=127.0.0.1")
			.contains("principal=\"key:admin\" operation=createKey resource=\"KEY /principals/audit-intruder/keys\" "
					+ "outcome=success status=201");
		assertThat(output.getOut()).as("no secret goes into the log").doesNotContain(ADMIN_KEY).doesNotContain(key);
	}

	private HttpRequest.Builder produce(String topic, String key, String body) {
		return HttpRequest.newBuilder(this.admin.uri("/topics/" + topic + "/records"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body));
	}

}
