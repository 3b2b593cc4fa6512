package io.caudal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A {@link KafkaStackTest} whose server shares a new PostgreSQL database with the further nodes the test starts, as
 * nodes behind a load balancer do.
 */
public abstract class SharedDatabaseStackTest extends KafkaStackTest {

	protected static final String DATABASE = PostgresTestServer.shared().newDatabase();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("spring.datasource.username", () -> PostgresTestServer.USER);
		registry.add("spring.datasource.password", () -> "");
	}

	/** Starts another node in its own JVM on the same Kafka cluster and database, with further properties. */
	protected static ChildServer startNode(String... properties) {
		List<String> all = new ArrayList<>(List.of("caudal.storage=kafka",
				"spring.kafka.bootstrap-servers=" + bootstrapServers(), "spring.datasource.url=" + DATABASE,
				"spring.datasource.username=" + PostgresTestServer.USER, "spring.datasource.password="));
		all.addAll(List.of(properties));
		try {
			Path dataDir = Files.createTempDirectory("caudal-node-").resolve("data");
			return ChildServer.start(dataDir, "384m", 0, all.toArray(String[]::new));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
