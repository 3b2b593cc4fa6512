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
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

class ProduceServiceTest {

	private final Storage storage = mock(Storage.class);

	private final IdempotencyKeys keys = new IdempotencyKeys(this.storage, Time.SYSTEM, 60_000, 2, null);

	private ProduceService service;

	@BeforeEach
	void setUp() {
		given(this.storage.topic("orders")).willReturn(new Topic("orders", 2, TopicConfig.empty()));
		given(this.storage.markedBatches(any(), anyLong())).willReturn(List.of());
		given(this.storage.read(any(), anyLong(), anyInt(), anyInt()))
			.willThrow(new CaudalException(ErrorCode.OFFSET_OUT_OF_RANGE, "deleted by retention"));
		this.service = new ProduceService(this.storage, Time.SYSTEM, new SimpleMeterRegistry(), this.keys);
	}

	@Test
	void answersOffsetsInRequestOrderAcrossPartitions() {
		given(this.storage.append(eq("orders"), anyMap(), any())).willReturn(Map.of(0, stored(10, 11),
				1, stored(7)));
		List<RecordPosition> positions = this.service
			.produce("orders", List.of(record(0, 100L), record(1, 200L), record(0, 300L)))
			.join();
		assertThat(positions).containsExactly(new RecordPosition(0, 10, 100), new RecordPosition(1, 7, 200),
				new RecordPosition(0, 11, 300));
	}

	@Test
	void answersTheOffsetKafkaGaveEachRecordWhenAnotherNodesRecordsCameBetween() {
		given(this.storage.append(eq("orders"), anyMap(), any())).willReturn(Map.of(0, stored(10, 14)));
		assertThat(this.service.produce("orders", List.of(record(0, 100L), record(0, 200L))).join())
			.containsExactly(new RecordPosition(0, 10, 100), new RecordPosition(0, 14, 200));
	}

	@Test
	void aFailedWriteAnswersTheStoragesProblem() {
		given(this.storage.append(eq("orders"), anyMap(), any())).willReturn(Map.of(0, CompletableFuture
			.<long[]>failedFuture(new CaudalException(ErrorCode.STORAGE_ERROR, "Partition orders-0 could not store it."))));
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
		verify(this.storage, never()).append(any(), anyMap(), any());
	}

	@Test
	void aRecordOverMaxMessageBytesWritesNothing() {
		given(this.storage.topic("orders")).willReturn(new Topic("orders", 2,
				TopicConfig.empty().with(Map.of("max.message.bytes", 10))));
		byte[] big = "x".repeat(11).getBytes(StandardCharsets.UTF_8);
		List<ProduceRecord> records = List.of(record(0, 1L), new ProduceRecord(null, big, List.of(), 1, 1L));
		assertThatThrownBy(() -> this.service.produce("orders", records)).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE));
		verify(this.storage, never()).append(any(), anyMap(), any());
	}

	@Test
	void aRetryOfARequestCutOffPartWayWritesOnlyTheMissingBatch() {
		IdempotencyKeys.Request key = key("k", "both");
		given(this.storage.append(eq("orders"), anyMap(), any())).willReturn(Map.of(0,
				stored(10), 1, CompletableFuture
					.failedFuture(new CaudalException(ErrorCode.STORAGE_ERROR, "Partition orders-1 could not store it."))));
		List<ProduceRecord> records = List.of(record(0, 100L), record(1, 200L));
		assertThatThrownBy(this.service.produce("orders", records, key)::join).cause()
			.isInstanceOfSatisfying(CaudalException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.STORAGE_ERROR));

		given(this.storage.append(eq("orders"), anyMap(), any()))
			.willReturn(Map.of(1, stored(7)));
		assertThat(this.service.produce("orders", records, key).join())
			.containsExactly(new RecordPosition(0, 10, 100), new RecordPosition(1, 7, 200));
		ArgumentCaptor<Map<Integer, List<NewRecord>>> written = ArgumentCaptor.captor();
		ArgumentCaptor<IdempotencyMark> marks = ArgumentCaptor.captor();
		verify(this.storage, times(2)).append(eq("orders"), written.capture(), marks.capture());
		assertThat(written.getAllValues().get(1)).containsOnlyKeys(1);
		assertThat(marks.getAllValues()).allSatisfy(mark -> {
			assertThat(mark.keyHash()).isEqualTo(key.keyHash());
			assertThat(mark.partitionCount()).isEqualTo((short) 2);
		});
	}

	@Test
	void aKeyIsInUseWhileItsRequestIsInFlightThenAnswersAgainAndRefusesAnotherBody() {
		CompletableFuture<long[]> pending = new CompletableFuture<>();
		given(this.storage.append(eq("orders"), anyMap(), any())).willReturn(Map.of(0, pending));
		List<ProduceRecord> records = List.of(record(0, 100L));
		CompletableFuture<List<RecordPosition>> first = this.service.produce("orders", records, key("k", "a"));
		assertThatThrownBy(() -> this.service.produce("orders", records, key("k", "a"))).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_IN_USE));

		pending.complete(new long[] { 3 });
		assertThat(first.join()).containsExactly(new RecordPosition(0, 3, 100));
		assertThat(this.service.produce("orders", records, key("k", "a")).join())
			.containsExactly(new RecordPosition(0, 3, 100));
		assertThatThrownBy(() -> this.service.produce("orders", records, key("k", "b"))).isInstanceOfSatisfying(
				CaudalException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED));
		verify(this.storage, times(1)).append(eq("orders"), anyMap(), any());
	}

	@Test
	void aRefusedRequestFreesItsKeyAndPastTheBoundANewKeyIsRefusedNotForgotten() {
		given(this.storage.append(eq("orders"), anyMap(), any()))
			.willReturn(Map.of(0, stored(0)));
		assertThatThrownBy(() -> this.service.produce("orders", List.of(record(0, -5L)), key("free", "bad")))
			.isInstanceOfSatisfying(CaudalException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_TIMESTAMP));
		this.service.produce("orders", List.of(record(0, 1L)), key("free", "good")).join();
		this.service.produce("orders", List.of(record(0, 1L)), key("second", "good")).join();

		assertThatThrownBy(() -> this.service.produce("orders", List.of(record(0, 1L)), key("third", "good")))
			.isInstanceOfSatisfying(CaudalException.class,
					ex -> assertThat(ex.code()).isEqualTo(ErrorCode.RESOURCE_LIMIT));
		assertThat(this.service.produce("orders", List.of(record(0, 1L)), key("free", "good")).join())
			.containsExactly(new RecordPosition(0, 0, 1));
	}

	private static IdempotencyKeys.Request key(String key, String body) {
		return IdempotencyKeys.Request.of(null, key,
				IdempotencyKeys.sha256().digest(body.getBytes(StandardCharsets.UTF_8)));
	}

	private static ProduceRecord record(int partition, Long timestamp) {
		return new ProduceRecord(null, "v".getBytes(StandardCharsets.UTF_8), List.of(), partition, timestamp);
	}

	/** A storage answer: each record's offset. */
	private static CompletableFuture<long[]> stored(long... offsets) {
		return CompletableFuture.completedFuture(offsets);
	}

}
