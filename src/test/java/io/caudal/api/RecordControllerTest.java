package io.caudal.api;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

import io.caudal.budget.ByteBudget;
import io.caudal.budget.Held;
import io.caudal.budget.MemoryBudgets;
import io.caudal.config.CaudalProperties;
import io.caudal.config.JsonConfiguration;
import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.security.AccessControl;
import io.caudal.security.PrincipalSlots;
import io.caudal.support.RecordEncoderConfiguration;
import io.caudal.topic.FetchService;
import io.caudal.topic.PartitionRecords;
import io.caudal.topic.ProduceService;
import io.caudal.topic.RecordPosition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** How the produce endpoint answers what the service reports asynchronously. */
@WebMvcTest(RecordController.class)
@EnableConfigurationProperties(CaudalProperties.class)
@Import({ JsonConfiguration.class, RecordEncoderConfiguration.class, RecordControllerTest.Budgets.class,
		AccessControl.class, PrincipalSlots.class })
class RecordControllerTest {

	/** Room enough for every answer here. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Budgets {

		@Bean
		MemoryBudgets memoryBudgets() {
			return new MemoryBudgets(new ByteBudget("produce", 1 << 30), new ByteBudget("fetch", 1 << 30),
					new ByteBudget("websocket", 1 << 30), new ByteBudget("sse", 1 << 30));
		}

	}

	@Autowired
	private MockMvc mvc;

	@MockitoBean
	private ProduceService produceService;

	@MockitoBean
	private FetchService fetchService;

	@BeforeEach
	void topicAcceptsRecordsOfOneMebibyte() {
		given(this.produceService.maxMessageBytes("orders")).willReturn(1024 * 1024);
	}

	@Test
	void aFailedWriteIs503StorageError() throws Exception {
		given(this.produceService.produce(eq("orders"), any(), any())).willReturn(CompletableFuture.failedFuture(
				new CaudalException(ErrorCode.STORAGE_ERROR, "Topic 'orders' could not store the records.")));
		this.mvc
			.perform(post("/topics/orders/records").contentType(MediaType.APPLICATION_JSON)
				.content("{\"records\":[{\"value\":1}]}"))
			.andExpect(request().asyncNotStarted())
			.andExpect(status().isServiceUnavailable())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("STORAGE_ERROR"));
	}

	@Test
	void aProduceStoredInTimeIsAnsweredOnTheRequestsThread() throws Exception {
		given(this.produceService.produce(eq("orders"), any(), any())).willReturn(
				CompletableFuture.completedFuture(List.of(new RecordPosition(1, 17, 1764000000123L))));
		this.mvc
			.perform(post("/topics/orders/records").contentType(MediaType.APPLICATION_JSON)
				.content("{\"records\":[{\"key\":\"user-42\",\"value\":{\"amount\":10}}]}"))
			.andExpect(request().asyncNotStarted())
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.offsets[0].partition").value(1))
			.andExpect(jsonPath("$.offsets[0].offset").value(17))
			.andExpect(jsonPath("$.offsets[0].timestamp").value(1764000000123L));
	}

	@Test
	void aSlowProduceIsAnsweredAsynchronously() throws Exception {
		CompletableFuture<List<RecordPosition>> stored = new CompletableFuture<>();
		given(this.produceService.produce(eq("orders"), any(), any())).willReturn(stored);
		MvcResult started = this.mvc
			.perform(post("/topics/orders/records").contentType(MediaType.APPLICATION_JSON)
				.content("{\"records\":[{\"value\":1}]}"))
			.andExpect(request().asyncStarted())
			.andReturn();
		stored.complete(List.of(new RecordPosition(0, 3, 1764000000123L)));
		this.mvc.perform(asyncDispatch(started))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.offsets[0].offset").value(3));
	}

	@Test
	void anAsynchronousAnswerThatTimesOutCancelsTheWorkBehindIt() throws Exception {
		CompletableFuture<Held<PartitionRecords>> waiting = new CompletableFuture<>();
		given(this.fetchService.fetch(eq("orders"), eq(0), any(), anyInt(), anyInt(), anyLong())).willReturn(waiting);
		MvcResult started = this.mvc.perform(get("/topics/orders/partitions/0/records?waitMs=30000"))
			.andExpect(request().asyncStarted())
			.andReturn();
		((MockAsyncContext) started.getRequest().getAsyncContext()).getListeners()
			.forEach(listener -> onTimeout(listener, started));
		assertThat(waiting).isCancelled();
	}

	private static void onTimeout(AsyncListener listener, MvcResult result) {
		try {
			listener.onTimeout(new AsyncEvent(result.getRequest().getAsyncContext()));
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

}
