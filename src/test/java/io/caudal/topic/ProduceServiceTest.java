package io.caudal.topic;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class ProduceServiceTest {

	private final Storage storage = mock(Storage.class);

	private ProduceService service;

	@BeforeEach
	void setUp() {
		given(this.storage.topic("orders")).willReturn(new Topic("orders", 2, TopicConfig.empty()));
		this.service = new ProduceService(this.storage, Time.SYSTEM, new SimpleMeterRegistry());
	}

	@Test
	void answersOffsetsInRequestOrderAcrossPartitions() {
		given(this.storage.append(eq("orders"), anyMap())).willReturn(Map.of(0, CompletableFuture.completedFuture(10L),
				1, CompletableFuture.completedFuture(7L)));
		List<RecordPosition> positions = this.service
			.produce("orders", List.of(record(0, 100L), record(1, 200L), record(0, 300L)))
			.join();
		assertThat(positions).containsExactly(new RecordPosition(0, 10, 100), new RecordPosition(1, 7, 200),
				new RecordPosition(0, 11, 300));
	}

	@Test
	void aFailedWriteAnswersTheStoragesProblem() {
		given(this.storage.append(eq("orders"), anyMap())).willReturn(Map.of(0, CompletableFuture
			.failedFuture(new CaudalException(ErrorCode.STORAGE_ERROR, "Partition orders-0 could not store it."))));
		CompletableFuture<List<RecordPosition>> answer = this.service.produce("orders", List.of(record(0, 1L)));
		assertThatThrownBy(answer::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(CaudalException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.STORAGE_ERROR));
	}

	@Test
	void aBadRecordAnywhereWritesNothing() {
		List<ProduceRecord> records = List.of(record(0, 1L), record(1, -5L));
		assertThatThrownBy(() -> this.service.produce("orders", records)).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_TIMESTAMP));
		verify(this.storage, never()).append(any(), anyMap());
	}

	@Test
	void aRecordOverMaxMessageBytesWritesNothing() {
		given(this.storage.topic("orders")).willReturn(new Topic("orders", 2,
				TopicConfig.empty().with(Map.of("max.message.bytes", 10))));
		byte[] big = "x".repeat(11).getBytes(StandardCharsets.UTF_8);
		List<ProduceRecord> records = List.of(record(0, 1L), new ProduceRecord(null, big, List.of(), 1, 1L));
		assertThatThrownBy(() -> this.service.produce("orders", records)).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE));
		verify(this.storage, never()).append(any(), anyMap());
	}

	private static ProduceRecord record(int partition, Long timestamp) {
		return new ProduceRecord(null, "v".getBytes(StandardCharsets.UTF_8), List.of(), partition, timestamp);
	}

}
