package io.caudal.api;

import java.util.List;
import java.util.Map;

import io.caudal.config.CaudalProperties;
import io.caudal.config.JsonConfiguration;
import io.caudal.support.RecordEncoderConfiguration;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AccessControl;
import io.caudal.topic.PartitionState;
import io.caudal.topic.Topic;
import io.caudal.topic.TopicConfig;
import io.caudal.topic.TopicDescription;
import io.caudal.topic.TopicService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(TopicController.class)
@EnableConfigurationProperties(CaudalProperties.class)
@Import({ JsonConfiguration.class, RecordEncoderConfiguration.class, AccessControl.class })
class TopicControllerTest {

	private static final TopicDescription ORDERS = new TopicDescription(new Topic("orders", 2, TopicConfig.empty()),
			List.of(new PartitionState(0, 0, 42, 5130), new PartitionState(1, 3, 7, 900)));

	@Autowired
	private MockMvc mvc;

	@MockitoBean
	private TopicService topics;

	@Test
	void createAnswers201WithLocationAndDescription() throws Exception {
		given(this.topics.create(eq("orders"), eq(2), eq(3), any())).willReturn(ORDERS);
		this.mvc.perform(post("/topics").contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"orders\",\"partitions\":2,\"replicationFactor\":3,\"config\":{\"retention.ms\":1000}}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "/topics/orders"))
			.andExpect(jsonPath("$.name").value("orders"))
			.andExpect(jsonPath("$.partitions").value(2))
			.andExpect(jsonPath("$.replicationFactor").value(1))
			.andExpect(jsonPath("$.config['cleanup.policy']").value("delete"))
			.andExpect(jsonPath("$.partitionInfo[0].endOffset").value(42))
			.andExpect(jsonPath("$.partitionInfo[1].startOffset").value(3))
			.andExpect(jsonPath("$.partitionInfo[1].sizeBytes").value(900));
		verify(this.topics).create("orders", 2, 3, Map.of("retention.ms", 1000));
	}

	@Test
	void createDefaultsToOnePartition() throws Exception {
		given(this.topics.create(eq("orders"), eq(1), isNull(), any())).willReturn(ORDERS);
		this.mvc.perform(post("/topics").contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"orders\"}"))
			.andExpect(status().isCreated());
		verify(this.topics).create("orders", 1, null, null);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\":\"orders\",", "not json", "{\"name\":\"orders\",\"colour\":\"red\"}",
			"{\"name\":\"orders\",\"partitions\":\"3\"}", "{\"name\":\"orders\",\"partitions\":1.5}",
			"{\"name\":\"orders\",\"partitions\":3.0}", "{\"name\":7}", "{\"name\":\"orders\",\"config\":[1]}",
			"[]", "{\"partitions\":3}", "", "{\"name\":\"orders\"} {}", "{\"name\":\"a\",\"name\":\"b\"}",
			"{\"name\":\"orders\",\"partitions\":99999999999}" })
	void malformedCreateIsInvalidRequestAndWritesNothing(String body) throws Exception {
		this.mvc.perform(post("/topics").contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.title").value("Invalid request"))
			.andExpect(jsonPath("$.detail").isNotEmpty());
		verify(this.topics, never()).create(any(), anyInt(), any(), any());
	}

	@Test
	void unknownFieldIsNamedInTheDetail() throws Exception {
		this.mvc.perform(post("/topics").contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"orders\",\"colour\":\"red\"}"))
			.andExpect(jsonPath("$.detail").value("Unknown field 'colour'."));
	}

	@Test
	void anOutOfRangeNumberIsNamedWithoutJavaTypes() throws Exception {
		this.mvc.perform(post("/topics").contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"orders\",\"partitions\":99999999999}"))
			.andExpect(jsonPath("$.detail").value("Field 'partitions' holds a number out of range."));
	}

	@Test
	void serviceErrorsBecomeProblemsWithTheirCode() throws Exception {
		given(this.topics.create(eq("orders"), anyInt(), any(), any()))
			.willThrow(new CaudalException(ErrorCode.TOPIC_EXISTS, "Topic 'orders' already exists."));
		this.mvc.perform(post("/topics").contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"orders\"}"))
			.andExpect(status().isConflict())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("TOPIC_EXISTS"))
			.andExpect(jsonPath("$.type").value("https://caudal.io/problems/topic-exists"))
			.andExpect(jsonPath("$.detail").value("Topic 'orders' already exists."));
	}

	@Test
	void listAnswersNamesAndCounts() throws Exception {
		given(this.topics.list()).willReturn(List.of(ORDERS.topic(), new Topic("payments", 1, TopicConfig.empty())));
		this.mvc.perform(get("/topics"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].name").value("orders"))
			.andExpect(jsonPath("$[0].partitions").value(2))
			.andExpect(jsonPath("$[1].name").value("payments"));
	}

	@Test
	void describeUnknownTopicIs404() throws Exception {
		given(this.topics.describe("nope"))
			.willThrow(new CaudalException(ErrorCode.TOPIC_NOT_FOUND, "Topic 'nope' does not exist."));
		this.mvc.perform(get("/topics/nope"))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("TOPIC_NOT_FOUND"));
	}

	@Test
	void patchGrowsPartitions() throws Exception {
		given(this.topics.update(eq("orders"), eq(2), any())).willReturn(ORDERS);
		this.mvc.perform(patch("/topics/orders").contentType(MediaType.APPLICATION_JSON).content("{\"partitions\":2}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.partitions").value(2));
	}

	@Test
	void patchWithNothingToChangeIsInvalid() throws Exception {
		this.mvc.perform(patch("/topics/orders").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
		verify(this.topics, never()).update(any(), any(), any());
	}

	@Test
	void deleteAnswers204() throws Exception {
		this.mvc.perform(delete("/topics/orders")).andExpect(status().isNoContent());
		verify(this.topics).delete("orders");
	}

	@Test
	void wrongMediaTypeIsAProblem() throws Exception {
		this.mvc.perform(post("/topics").contentType(MediaType.TEXT_PLAIN).content("orders"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
	}

	@Test
	void wrongMethodIsAProblem() throws Exception {
		this.mvc.perform(post("/topics/orders").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
	}

	@Test
	void unexpectedFailuresAre500WithoutInternals() throws Exception {
		given(this.topics.list()).willThrow(new IllegalStateException("/secret/path exploded"));
		this.mvc.perform(get("/topics"))
			.andExpect(status().isInternalServerError())
			.andExpect(jsonPath("$.code").value("INTERNAL_ERROR"))
			.andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secret"))));
	}

}
