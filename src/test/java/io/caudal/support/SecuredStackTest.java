package io.caudal.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the full-stack tests with security on: one Caudal on a random port and its own data folder, shared by
 * every subclass with the same settings, whose admin key is {@link #ADMIN_KEY}. Tests make their own principals and
 * topics, with names of their own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "caudal.security.enabled=true", "caudal.security.admin-key=" + SecuredStackTest.ADMIN_KEY,
				"caudal.security.super-users=key:operator", "caudal.security.rights-check-interval=1s",
				"caudal.security.max-sockets-per-principal=3", "caudal.security.max-waiting-polls-per-principal=2",
				"caudal.security.max-streams-per-principal=2",
				"caudal.security.max-members-per-principal=3", "caudal.cors.allowed-origins=https://dashboard.example" })
public abstract class SecuredStackTest {

	public static final String ADMIN_KEY = "cdl_TestAdminKeyOnlyForTheSecuredStackTests00";

	@LocalServerPort
	private int port;

	/** Without an identity. */
	protected TestHttp anonymous;

	/** As {@code key:admin}, a super-user. */
	protected TestHttp admin;

	/** Runs once per application context: subclasses that add settings get a server, and a folder, of their own. */
	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry registry) {
		Path dataDir = createDataDir();
		registry.add("caudal.data-dir", dataDir::toString);
	}

	@BeforeEach
	void connect() {
		this.anonymous = new TestHttp(this.port);
		this.admin = this.anonymous.bearer(ADMIN_KEY);
	}

	protected int port() {
		return this.port;
	}

	/** Creates the key principal and returns a new key of it. */
	protected String newKey(String principal) {
		TestHttp.Response created = this.admin.post("/principals", "{\"name\":\"" + principal + "\"}");
		assertThat(created.status()).as(created.text()).isIn(201, 409);
		return anotherKey(principal);
	}

	protected String anotherKey(String principal) {
		TestHttp.Response key = this.admin.post("/principals/" + principal + "/keys", "");
		assertThat(key.status()).as(key.text()).isEqualTo(201);
		return key.json().get("key").asString();
	}

	protected void grant(String principal, String operation, String resourceType, String patternType,
			String resourceName) {
		acl("ALLOW", principal, operation, resourceType, patternType, resourceName);
	}

	protected void acl(String permission, String principal, String operation, String resourceType,
			String patternType, String resourceName) {
		TestHttp.Response created = this.admin.post("/acls",
				"{\"resourceType\":\"" + resourceType + "\",\"resourceName\":\"" + resourceName
						+ "\",\"patternType\":\"" + patternType + "\",\"principal\":\"" + principal
						+ "\",\"operation\":\"" + operation + "\",\"permission\":\"" + permission + "\"}");
		assertThat(created.status()).as(created.text()).isEqualTo(201);
	}

	private static Path createDataDir() {
		try {
			return Files.createTempDirectory("caudal-secured-").resolve("data");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
