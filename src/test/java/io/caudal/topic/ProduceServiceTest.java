package io.caudal.topic;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.log.AppendResult;
import io.caudal.log.Log;
import io.caudal.log.LogStorageException;
import io.caudal.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class ProduceServiceTest {

	private final TopicRegistry topics = mock(TopicRegistry.class);

	private final Log partition0 = mock(Log.class);

	private final Log partition1 = mock(Log.class);

	private ProduceService service;

	@BeforeEach
	void setUp() {
		given(this.topics.topic("orders")).willReturn(new Topic("orders", 2, TopicConfig.empty()));
		given(this.topics.log("orders", 0)).willReturn(this.partition0);
		given(this.topics.log("orders", 1)).willReturn(this.partition1);
		this.service = new ProduceService(this.topics, Time.SYSTEM, new SimpleMeterRegistry());
	}

	@Test
	void answersOffsetsInRequestOrderAcrossPartitions() {
		given(this.partition0.append(anyList())).willReturn(CompletableFuture.completedFuture(new AppendResult(10, 11)));
		given(this.partition1.append(anyList())).willReturn(CompletableFuture.completedFuture(new AppendResult(7, 7)));
		List<RecordPosition> positions = this.service
			.produce("orders", List.of(record(0, 100L), record(1, 200L), record(0, 300L)))
			.join();
		assertThat(positions).containsExactly(new RecordPosition(0, 10, 100), new RecordPosition(1, 7, 200),
				new RecordPosition(0, 11, 300));
	}

	@Test
	void aFailedWriteIsAStorageError() {
		given(this.partition0.append(anyList()))
			.willReturn(CompletableFuture.failedFuture(new LogStorageException("orders-0 - fsync failed", new java.io.IOException("No space left on device"))));
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
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
		verify(this.partition0, never()).append(anyList());
		verify(this.partition1, never()).append(anyList());
	}

	@Test
	void aRecordOverMaxMessageBytesWritesNothing() {
		given(this.topics.topic("orders")).willReturn(new Topic("orders", 2,
				TopicConfig.empty().with(java.util.Map.of("max.message.bytes", 10))));
		byte[] big = "x".repeat(11).getBytes(StandardCharsets.UTF_8);
		List<ProduceRecord> records = List.of(record(0, 1L), new ProduceRecord(null, big, List.of(), 1, 1L));
		assertThatThrownBy(() -> this.service.produce("orders", records)).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE));
		verify(this.partition0, never()).append(anyList());
	}

	private static ProduceRecord record(int partition, Long timestamp) {
		return new ProduceRecord(null, "v".getBytes(StandardCharsets.UTF_8), List.of(), partition, timestamp);
	}

}
