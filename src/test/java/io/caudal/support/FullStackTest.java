package io.caudal.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the full-stack tests: one Caudal on a random port over one temporary data directory,
 * shared by every subclass so the suite starts the application once. Tests use their own topic
 * names so they do not see each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "caudal.max-request-size=1MB", "caudal.cors.allowed-origins=https://dashboard.example" })
public abstract class FullStackTest {

	/** A private folder holding only {@link #DATA_DIR}, so tests can see that nothing lands beside it. */
	protected static final Path ROOT = createRoot();

	protected static final Path DATA_DIR = ROOT.resolve("data");

	@LocalServerPort
	private int port;

	protected TestHttp http;

	@DynamicPropertySource
	static void dataDir(DynamicPropertyRegistry registry) {
		registry.add("caudal.data-dir", DATA_DIR::toString);
	}

	@BeforeEach
	void connect() {
		this.http = new TestHttp(this.port);
	}

	protected int port() {
		return this.port;
	}

	private static Path createRoot() {
		try {
			return Files.createTempDirectory("caudal-test-");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
