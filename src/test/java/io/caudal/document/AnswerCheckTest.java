package io.caudal.document;

import java.util.List;
import java.util.Map;

import io.caudal.support.ApiDocument;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check every test's answers go through refuses what the committed document does not describe, and lets through what it does. */
class AnswerCheckTest {

	private static final Map<String, List<String>> JSON = Map.of("content-type", List.of("application/json"));

	private static final Map<String, List<String>> PROBLEM = Map.of("content-type",
			List.of("application/problem+json"));

	@Test
	void aDescribedAnswerPasses() {
		assertThatCode(() -> ApiDocument.checkAnswer("GET", "/topics", 200, JSON,
				"[{\"name\":\"orders\",\"partitions\":3}]"))
			.doesNotThrowAnyException();
		assertThatCode(() -> ApiDocument.checkAnswer("GET", "/topics/orders/partitions/0/records", 200, JSON,
				"{\"records\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":0,\"timestamp\":1,\"key\":null,"
						+ "\"value\":[1,{\"a\":null}],\"headers\":{\"h\":null}}],\"nextOffset\":1,\"startOffset\":0,"
						+ "\"endOffset\":1}"))
			.doesNotThrowAnyException();
	}

	@Test
	void aBodyOfTheWrongShapeFails() {
		assertThatThrownBy(() -> ApiDocument.checkAnswer("GET", "/topics", 200, JSON, "[{\"name\":1}]"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("/topics");
		assertThatThrownBy(() -> ApiDocument.checkAnswer("GET", "/topics/orders", 404, PROBLEM,
				"{\"type\":\"x\",\"title\":\"t\",\"status\":404,\"detail\":\"d\",\"code\":\"NOT_A_CODE\"}"))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void anUndeclaredMediaTypeOrAMissingRequiredHeaderFails() {
		assertThatThrownBy(() -> ApiDocument.checkAnswer("GET", "/topics/orders", 404, JSON,
				"{\"type\":\"x\",\"title\":\"t\",\"status\":404,\"detail\":\"d\",\"code\":\"TOPIC_NOT_FOUND\"}"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("media type");
		assertThatThrownBy(() -> ApiDocument.checkAnswer("POST", "/topics", 201, JSON,
				"{\"name\":\"orders\",\"partitions\":1,\"config\":{},\"partitionInfo\":[]}"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("Location");
	}

}
