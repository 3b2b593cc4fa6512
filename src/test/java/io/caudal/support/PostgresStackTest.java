package io.caudal.support;

import java.io.IOException;
import java.nio.file.Files;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the full-stack tests on PostgreSQL: one Caudal on a random port, as {@link FullStackTest} has it, but
 * with its metadata, groups and offsets in a database of its own on the {@link PostgresTestServer shared server}
 * and its files in a folder of its own. Subclasses with the same settings share the application.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class PostgresStackTest {

	@LocalServerPort
	private int port;

	protected TestHttp http;

	/** Runs once per application context, so each context has its own database and data folder. */
	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) throws IOException {
		String dataDir = Files.createTempDirectory("caudal-pg-").resolve("data").toString();
		registry.add("caudal.data-dir", () -> dataDir);
		PostgresTestServer.shared().useNewDatabase(registry);
	}

	@BeforeEach
	void connect() {
		this.http = new TestHttp(this.port);
	}

}
