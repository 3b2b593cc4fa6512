package io.caudal.kafka;

import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.caudal.support.ChildServer;
import io.caudal.support.KafkaStackTest;
import io.caudal.support.PostgresTestServer;
import io.caudal.support.SecuredStackTest;
import io.caudal.support.TestHttp;
import io.caudal.ws.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Keys and ACLs changed through one node take effect on another that shares the database (PostgreSQL) within
 * seconds: a new key works there, a revoked one stops working and closes what it held open, a removed ACL refuses.
 */
@TestPropertySource(properties = { "caudal.security.enabled=true",
		"caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY, "caudal.security.sync-interval=500ms" })
class SharedSecurityTest extends KafkaStackTest {

	private static final String DATABASE = PostgresTestServer.shared().newDatabase();

	private static ChildServer nodeB;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("spring.datasource.username", () -> PostgresTestServer.USER);
		registry.add("spring.datasource.password", () -> "");
	}

	@BeforeAll
	static void startNodeB() throws Exception {
		Path dataDir = Files.createTempDirectory("caudal-node-b-").resolve("data");
		nodeB = ChildServer.start(dataDir, "384m", 0, "caudal.storage=kafka",
				"spring.kafka.bootstrap-servers=" + bootstrapServers(), "spring.datasource.url=" + DATABASE,
				"spring.datasource.username=" + PostgresTestServer.USER, "spring.datasource.password=",
				"caudal.security.enabled=true", "caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY,
				"caudal.security.sync-interval=500ms");
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

}
