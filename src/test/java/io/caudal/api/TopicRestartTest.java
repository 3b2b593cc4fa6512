package io.caudal.api;

import java.nio.file.Path;

import io.caudal.support.CaudalServer;
import io.caudal.support.TestHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Topics and their settings survive a restart of the whole application on the same data directory. */
class TopicRestartTest {

	@TempDir
	Path dataDir;

	@Test
	void topicsSurviveARestart() {
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			assertThat(server.http()
				.post("/topics", "{\"name\":\"durable\",\"partitions\":2,\"config\":{\"retention.ms\":1000}}")
				.status()).isEqualTo(201);
			assertThat(server.http().patch("/topics/durable", "{\"partitions\":4}").status()).isEqualTo(200);
			assertThat(server.http().post("/topics", "{\"name\":\"gone\"}").status()).isEqualTo(201);
			assertThat(server.http().delete("/topics/gone").status()).isEqualTo(204);
		}
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			Response described = server.http().get("/topics/durable");
			assertThat(described.status()).isEqualTo(200);
			assertThat(described.json().get("partitions").asInt()).isEqualTo(4);
			assertThat(described.json().get("config").get("retention.ms").asLong()).isEqualTo(1000);
			assertThat(described.json().get("partitionInfo")).hasSize(4);
			assertThat(server.http().get("/topics/gone").status()).isEqualTo(404);
		}
	}

	@Test
	void aMissingPartitionDirectoryComesBackEmpty() throws Exception {
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			assertThat(server.http().post("/topics", "{\"name\":\"lost\",\"partitions\":2}").status()).isEqualTo(201);
		}
		org.springframework.util.FileSystemUtils.deleteRecursively(this.dataDir.resolve("lost-1"));
		try (CaudalServer server = CaudalServer.start(this.dataDir)) {
			Response described = server.http().get("/topics/lost");
			assertThat(described.json().get("partitionInfo").get(1).get("endOffset").asLong()).isZero();
			assertThat(this.dataDir.resolve("lost-1")).isDirectory();
		}
	}

}
