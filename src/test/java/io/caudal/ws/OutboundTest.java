package io.caudal.ws;

import io.caudal.budget.ByteBudget;
import io.caudal.support.FakeTime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded send buffer alone, over a {@link StubSocket}. */
class OutboundTest {

	private static final ByteBudget PLENTY = new ByteBudget("caudal.websocket.max-buffered-bytes", 1 << 30);

	private final StubSocket socket = new StubSocket("s1", "/ws/topics/t");

	private final FakeTime time = new FakeTime();

	private final AtomicInteger written = new AtomicInteger();

	private final List<Throwable> failures = new ArrayList<>();

	private final Outbound outbound = new Outbound(this.socket, 100, PLENTY, this.time, this.written::incrementAndGet,
			this.failures::add);

	@Test
	void framesAreWrittenInOrderOneAtATime() {
		this.socket.holdWrites();
		assertThat(this.outbound.offer(frame("{\"n\":1}"), null)).isTrue();
		assertThat(this.outbound.offer(frame("{\"n\":2}"), null)).isTrue();
		assertThat(this.socket.frames()).hasSize(1);
		assertThat(this.socket.framesInFlight()).isEqualTo(1);
		assertThat(this.outbound.bufferedBytes()).isEqualTo(14);

		this.socket.releaseWrites();
		assertThat(this.socket.frames()).extracting(frame -> frame.get("n").asInt()).containsExactly(1, 2);
		assertThat(this.written).hasValue(2);
		assertThat(this.outbound.bufferedBytes()).isZero();
	}

	@Test
	void writesThatCompleteAtOnceDoNotRecurse() {
		Outbound large = new Outbound(this.socket, Long.MAX_VALUE, PLENTY, this.time, () -> {
		}, this.failures::add);
		this.socket.holdWrites();
		for (int i = 0; i < 100_000; i++) {
			large.offer(frame("{}"), null);
		}
		this.socket.releaseWrites();
		assertThat(this.socket.frames()).hasSize(100_000);
	}

	@Test
	void aFullBufferRefusesFramesUntilOneIsWritten() {
		this.socket.holdWrites();
		String sixty = "\"" + "x".repeat(58) + "\"";
		assertThat(this.outbound.offer(frame(sixty), null)).isTrue();
		assertThat(this.outbound.offer(frame(sixty), null)).as("accepted while below capacity").isTrue();
		assertThat(this.outbound.room()).isZero();
		assertThat(this.outbound.offer(frame("{}"), null)).isFalse();

		this.socket.releaseWrites();
		assertThat(this.outbound.room()).isEqualTo(100);
		assertThat(this.outbound.offer(frame("{}"), null)).isTrue();
	}

	@Test
	void theFrameInFlightIsTimed() {
		this.socket.holdWrites();
		assertThat(this.outbound.writingNanos(this.time.nanoseconds())).isZero();
		this.outbound.offer(frame("{}"), null);
		this.time.advance(Duration.ofMillis(1500));
		assertThat(this.outbound.writingNanos(this.time.nanoseconds())).isEqualTo(1_500_000_000L);
		assertThat(this.outbound.ping(Runnable::run)).as("no ping behind a frame in flight").isFalse();
		this.socket.releaseWrites();
		assertThat(this.outbound.writingNanos(this.time.nanoseconds())).isZero();
		assertThat(this.outbound.ping(Runnable::run)).isTrue();
		assertThat(this.socket.pings()).isEqualTo(1);
	}

	@Test
	void finishWritesWhatIsQueuedThenRunsOnce() {
		AtomicReference<String> order = new AtomicReference<>("");
		this.socket.holdWrites();
		this.outbound.offer(frame("{\"n\":1}"), null);
		this.outbound.offer(frame("{\"n\":2}"), null);
		this.outbound.finish(() -> {
			order.updateAndGet(text -> text + "closed after " + this.socket.frames().size());
			this.socket.close(CloseStatus.POLICY_VIOLATION);
		});
		assertThat(this.outbound.offer(frame("{\"n\":3}"), null)).isFalse();
		assertThat(this.socket.closeStatus()).isNull();

		this.socket.releaseWrites();
		assertThat(order).hasValue("closed after 2");
		assertThat(this.socket.closeStatus()).isEqualTo(CloseStatus.POLICY_VIOLATION);
	}

	@Test
	void socketsShareOneBudgetAndAWrittenFrameWakesTheOnesWaitingForIt() {
		ByteBudget shared = new ByteBudget("caudal.websocket.max-buffered-bytes", 30);
		StubSocket stalled = new StubSocket("s2", "/ws/topics/t");
		stalled.holdWrites();
		AtomicInteger stalledWoken = new AtomicInteger();
		Outbound first = new Outbound(stalled, 1000, shared, this.time, stalledWoken::incrementAndGet,
				this.failures::add);
		AtomicInteger secondWoken = new AtomicInteger();
		StubSocket other = new StubSocket("s3", "/ws/topics/t");
		other.holdWrites();
		Outbound second = new Outbound(other, 1000, shared, this.time, secondWoken::incrementAndGet,
				this.failures::add);

		assertThat(first.offer(frame("x".repeat(28)), null)).isTrue();
		assertThat(shared.reservedBytes()).isEqualTo(28);
		assertThat(first.room()).as("the shared budget, not the socket's own buffer, limits it").isEqualTo(2);
		assertThat(second.room()).isEqualTo(2);
		second.awaitSharedRoom();
		assertThat(first.offer(frame("x".repeat(2)), null)).isTrue();
		assertThat(second.room()).isZero();
		assertThat(second.offer(frame("y".repeat(5)), null)).as("a frame past the shared room is taken uncounted").isTrue();
		assertThat(shared.reservedBytes()).isEqualTo(30);
		second.awaitSharedRoom();
		assertThat(secondWoken).as("not asked to wait while there was room").hasValue(0);

		stalled.releaseWrites();
		assertThat(shared.reservedBytes()).isZero();
		assertThat(secondWoken).as("told when the other socket's frame was written").hasValue(1);
		assertThat(second.room()).as("its uncounted frame takes nothing of the shared budget").isEqualTo(30);
		second.discard();
		first.discard();
		assertThat(shared.reservedBytes()).isZero();
	}

	@Test
	void aFailedWriteStopsEverything() {
		Outbound failing = new Outbound(new SocketTransport() {

			@Override
			public void sendText(ByteBuffer utf8, Consumer<Throwable> done) {
				done.accept(new IOException("Broken pipe"));
			}

			@Override
			public void sendPing() {
			}

			@Override
			public void close(CloseStatus status) {
			}

		}, 100, PLENTY, this.time, this.written::incrementAndGet, this.failures::add);
		assertThat(failing.offer(frame("{}"), null)).isTrue();
		assertThat(this.failures).singleElement().satisfies(failure -> assertThat(failure).hasMessage("Broken pipe"));
		assertThat(failing.offer(frame("{}"), null)).isFalse();
		assertThat(failing.bufferedBytes()).isZero();
		assertThat(this.written).hasValue(0);
	}

	private static ByteBuffer frame(String json) {
		return ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
	}

}
