package io.caudal.kafka;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.caudal.support.ChildServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.SharedDatabaseStackTest;
import io.caudal.support.TestHttp.Response;
import io.caudal.support.TestHttp;
import io.caudal.ws.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Keys and ACLs changed through one node take effect on another that shares the database (PostgreSQL) within
 * seconds: a new key works there, a revoked one stops working and closes what it held open, a removed ACL refuses.
 * Group members belong to the principal that joined them on every node, and count against its cap on every node;
 * so do its sockets.
 */
@TestPropertySource(properties = { "caudal.security.enabled=true",
		"caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY, "caudal.security.sync-interval=500ms",
		"caudal.security.max-members-per-principal=2", "caudal.security.max-sockets-per-principal=2" })
class SharedSecurityTest extends SharedDatabaseStackTest {

	private static ChildServer nodeB;

	@BeforeAll
	static void startNodeB() {
		nodeB = startNode("caudal.security.enabled=true", "caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY,
				"caudal.security.sync-interval=500ms", "caudal.security.max-members-per-principal=2",
				"caudal.security.max-sockets-per-principal=2");
	}

	@AfterAll
	static void stopNodeB() {
		if (nodeB != null) {
			nodeB.close();
		}
	}

	@Test
	void keysAndAclsChangedOnOneNodeApplyOnTheOther() {
		TestHttp adminA = this.http.bearer(SecuredStackTest.ADMIN_KEY);
		String name = topic("shared-rights");
		assertThat(adminA.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		assertThat(adminA.post("/principals", "{\"name\":\"reader\"}").status()).isEqualTo(201);
		String key = adminA.post("/principals/reader/keys", "").json().get("key").asString();
		String keyId = adminA.get("/principals/reader/keys").json().get(0).get("id").asString();
		TestHttp readerB = nodeB.http().bearer(key);
		String records = "/topics/" + name + "/partitions/0/records?offset=0";
		await().atMost(Duration.ofSeconds(10)).until(() -> readerB.get(records).status() == 403);

		String acl = "{\"resourceType\":\"TOPIC\",\"resourceName\":\"" + name + "\",\"patternType\":\"LITERAL\","
				+ "\"principal\":\"key:reader\",\"operation\":\"READ\",\"permission\":\"ALLOW\"}";
		assertThat(adminA.post("/acls", acl).status()).isEqualTo(201);
		await().atMost(Duration.ofSeconds(10)).until(() -> readerB.get(records).status() == 200);

		String ticket = this.http.bearer(key).post("/ws-tickets", "").json().get("ticket").asString();
		String path = "/ws/topics/" + name + "?from=earliest&ticket=" + ticket;
		try (TestSocket onB = TestSocket.withHeaders(nodeB.port(), path, Map.of())) {
			adminA.produce(name, "{\"value\":\"ticketed\"}");
			assertThat(onB.awaitRecords(1)).as("a ticket issued by A opens a socket on B").hasSize(1);
		}
		assertThatThrownBy(() -> TestSocket.withHeaders(port(), path, Map.of())).as("and only once, on any node")
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					ex -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));

		try (TestSocket tail = TestSocket.withHeaders(nodeB.port(), "/ws/topics/" + name,
				Map.of("Authorization", "Bearer " + key))) {
			assertThat(adminA.delete("/principals/reader/keys/" + keyId).status()).isEqualTo(204);
			await().atMost(Duration.ofSeconds(10)).until(() -> readerB.get(records).status() == 401);
			await().atMost(Duration.ofSeconds(10)).until(tail::isClosed);
		}

		String second = adminA.post("/principals/reader/keys", "").json().get("key").asString();
		TestHttp secondB = nodeB.http().bearer(second);
		await().atMost(Duration.ofSeconds(10)).until(() -> secondB.get(records).status() == 200);
		assertThat(adminA.delete("/acls?principal=key:reader").status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> secondB.get(records).status() == 403);
	}

	@Test
	void aGroupMemberIsItsPrincipalsOnEveryNodeAndCountsAgainstItsCapEverywhere() {
		TestHttp adminA = this.http.bearer(SecuredStackTest.ADMIN_KEY);
		String name = topic("shared-members");
		assertThat(adminA.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		String owner = keyWithGroupRights(adminA, "owner", name);
		String other = keyWithGroupRights(adminA, "other", name);
		TestHttp ownerA = this.http.bearer(owner);
		TestHttp ownerB = nodeB.http().bearer(owner);
		String join = "{\"topics\":[\"" + name + "\"]}";
		Response joined = ownerA.post("/groups/shared-members/members", join);
		assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
		String first = joined.json().get("memberId").asString();
		assertThat(ownerA.post("/groups/shared-members/members", join).status()).isEqualTo(201);

		await("the other node sees the cap held").atMost(Duration.ofSeconds(10))
			.until(() -> ownerB.post("/groups/shared-members/members", join).status() == 429);
		TestHttp otherB = nodeB.http().bearer(other);
		await("the other principal's key works on B").atMost(Duration.ofSeconds(10))
			.until(() -> otherB.get("/groups/shared-members").status() == 200);
		Response asSomeoneElse = otherB.get("/groups/shared-members/members/" + first + "/records");
		assertThat(asSomeoneElse.status()).as(asSomeoneElse.toString()).isEqualTo(403);
		assertThat(asSomeoneElse.json().get("code").asString()).isEqualTo("NOT_AUTHORIZED");
		assertThat(ownerB.get("/groups/shared-members/members/" + first + "/records").status()).isEqualTo(200);
		assertThat(ownerB.delete("/groups/shared-members/members/" + first).status()).isEqualTo(204);
		assertThat(ownerA.post("/groups/shared-members/members", join).status()).as("a leave through B frees a place")
			.isEqualTo(201);
	}

	@Test
	void aPrincipalsSocketsOnOneNodeCountAgainstItsCapOnTheOther() {
		TestHttp adminA = this.http.bearer(SecuredStackTest.ADMIN_KEY);
		String name = topic("shared-sockets");
		assertThat(adminA.post("/topics", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
		String key = keyWithGroupRights(adminA, "socketeer", name);
		await("B knows the key").atMost(Duration.ofSeconds(10))
			.until(() -> nodeB.http().bearer(key).get("/groups/shared-members").status() != 401);
		Map<String, String> auth = Map.of("Authorization", "Bearer " + key);
		String path = "/ws/topics/" + name;
		try (TestSocket first = TestSocket.withHeaders(port(), path, auth);
				TestSocket second = TestSocket.withHeaders(port(), path, auth)) {
			await("B counts the two sockets held on A").atMost(Duration.ofSeconds(10)).until(() -> {
				try (TestSocket onB = TestSocket.withHeaders(nodeB.port(), path, auth)) {
					return refused(onB);
				}
			});
			first.close();
			await("B sees the socket closed on A").atMost(Duration.ofSeconds(10)).until(() -> {
				try (TestSocket onB = TestSocket.withHeaders(nodeB.port(), path, auth)) {
					return !refused(onB);
				}
			});
		}
	}

	/** Whether the server refuses the socket past the cap: closed within a second, 1008, RESOURCE_LIMIT. */
	private static boolean refused(TestSocket socket) {
		try {
			TestSocket.Closed closed = socket.awaitClose(Duration.ofSeconds(1));
			assertThat(closed.code()).isEqualTo(1008);
			assertThat(socket.errors()).singleElement()
				.satisfies(error -> assertThat(error.get("code").asString()).isEqualTo("RESOURCE_LIMIT"));
			return true;
		}
		catch (CompletionException timedOut) {
			return false;
		}
	}

	/** A new principal with a key, allowed to read the topic and the group {@code shared-members}. */
	private static String keyWithGroupRights(TestHttp admin, String principal, String topic) {
		assertThat(admin.post("/principals", "{\"name\":\"" + principal + "\"}").status()).isEqualTo(201);
		for (String[] resource : new String[][] { { "TOPIC", topic }, { "GROUP", "shared-members" } }) {
			String acl = "{\"resourceType\":\"" + resource[0] + "\",\"resourceName\":\"" + resource[1]
					+ "\",\"patternType\":\"LITERAL\",\"principal\":\"key:" + principal
					+ "\",\"operation\":\"READ\",\"permission\":\"ALLOW\"}";
			assertThat(admin.post("/acls", acl).status()).isEqualTo(201);
		}
		return admin.post("/principals/" + principal + "/keys", "").json().get("key").asString();
	}

}
