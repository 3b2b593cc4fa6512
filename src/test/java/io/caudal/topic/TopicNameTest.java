package io.caudal.topic;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicNameTest {

	@ParameterizedTest
	@ValueSource(strings = { "orders", "a", "Orders.v2", "user_events-2026", "...", "-", "_" })
	void acceptsKafkaLegalNames(String name) {
		assertThat(TopicName.validate(name)).isEqualTo(name);
	}

	@Test
	void acceptsTheLongestLegalName() {
		String name = "a".repeat(249);
		assertThat(TopicName.validate(name)).isEqualTo(name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".", "..", "a/b", "../etc", "a\\b", "a%2Fb", "ord ers", "orders\n", "ördérs", "主题",
			"a\u0000b", "/abs", "C:x", "a*b" })
	void refusesIllegalNames(String name) {
		assertThatThrownBy(() -> TopicName.validate(name)).isInstanceOfSatisfying(CaudalException.class,
				ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_TOPIC_NAME));
	}

	@Test
	void refusesNull() {
		assertThatThrownBy(() -> TopicName.validate(null)).isInstanceOf(CaudalException.class);
	}

	@Test
	void refusesNamesLongerThan249() {
		assertThatThrownBy(() -> TopicName.validate("a".repeat(250))).isInstanceOfSatisfying(CaudalException.class,
				ex -> assertThat(ex.getMessage()).contains("250").contains("249"));
	}

	@Test
	void echoesControlCharactersAsQuestionMarks() {
		assertThatThrownBy(() -> TopicName.validate("bad\u0007name"))
			.hasMessageContaining("bad?name");
	}

}
