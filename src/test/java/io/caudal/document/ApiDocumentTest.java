package io.caudal.document;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.caudal.support.ApiDocument;
import io.caudal.support.FullStackTest;
import io.caudal.support.TestHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API document the server serves is the committed {@code caudal-openapi.json}, from which the clients are
 * generated. After a change to the API, refresh the file with
 * {@code ./mvnw test -Dtest=ApiDocumentTest -Dcaudal.openapi.refresh=true} and commit it.
 */
class ApiDocumentTest extends FullStackTest {

	private static final Path COMMITTED = ApiDocument.DOCUMENT;

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@Test
	void theServedDocumentIsTheCommittedOne() throws Exception {
		TestHttp.Response served = this.http.get("/v3/api-docs");
		assertThat(served.status()).isEqualTo(200);
		JsonNode live = JSON.readTree(served.text());
		if (Boolean.getBoolean("caudal.openapi.refresh")) {
			Files.writeString(COMMITTED, JSON.writeValueAsString(live) + "\n", StandardCharsets.UTF_8);
		}
		JsonNode committed = JSON.readTree(Files.readString(COMMITTED, StandardCharsets.UTF_8));
		assertThat(live).as("the served /v3/api-docs against %s; refresh it with "
				+ "./mvnw test -Dtest=ApiDocumentTest -Dcaudal.openapi.refresh=true", COMMITTED).isEqualTo(committed);
	}

	@Test
	void everyOperationHasItsOwnNameAndEveryParameterADescription() {
		List<JsonNode> operations = ApiDocument.operations();
		assertThat(operations).extracting(operation -> operation.get("operationId").asString()).doesNotHaveDuplicates()
			.allSatisfy(name -> assertThat(name).doesNotContain("_"));
		for (JsonNode operation : operations) {
			for (JsonNode parameter : operation.path("parameters")) {
				assertThat(parameter.path("description").asString("")).as("the description of %s's %s",
						operation.get("operationId").asString(), parameter.get("name").asString()).isNotBlank();
			}
		}
	}

	@Test
	void everyExampleFitsItsOwnSchema() {
		assertThat(ApiDocument.exampleProblems()).isEmpty();
	}

}
