package io.caudal.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The history behind {@code GET /metrics/series}, sampled by hand at chosen times. */
class MeterHistoryTest {

	private static final Predicate<Meter.Id> ALL = id -> true;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void countersBecomeRatesPerSecondAndGaugesKeepTheirValue() {
		MeterHistory history = new MeterHistory(this.registry, 100, false);
		Counter orders = Counter.builder("caudal.records.in").tag("topic", "orders").register(this.registry);
		Counter payments = Counter.builder("caudal.records.in").tag("topic", "payments").register(this.registry);
		AtomicLong waiting = this.registry.gauge("caudal.fetch.waiting", new AtomicLong(3));
		history.sample(1_000);
		orders.increment(10);
		payments.increment(4);
		history.sample(2_000);
		orders.increment(30);
		waiting.set(5);
		Counter.builder("caudal.records.in").tag("topic", "refunds").register(this.registry).increment(2);
		history.sample(4_000);

		assertThat(history.series("caudal.records.in", Map.of("topic", "orders"), ALL)).as("no rate before two samples")
			.containsExactly(new MeterHistory.Point(2_000, 10), new MeterHistory.Point(4_000, 15));
		assertThat(history.series("caudal.records.in", Map.of("topic", "refunds"), ALL))
			.as("a meter made on its first use counts that use").containsExactly(new MeterHistory.Point(4_000, 1));
		assertThat(history.series("caudal.records.in", Map.of(), ALL)).as("every topic, summed")
			.containsExactly(new MeterHistory.Point(2_000, 14), new MeterHistory.Point(4_000, 16));
		assertThat(history.series("caudal.records.in", Map.of("topic", "none"), ALL)).isEmpty();
		assertThat(history.series("caudal.fetch.waiting", Map.of(), ALL)).extracting(MeterHistory.Point::value)
			.containsExactly(3.0, 3.0, 5.0);
		assertThat(history.series("caudal.unknown", Map.of(), ALL)).isNull();
		assertThat(history.names()).containsExactly("caudal.fetch.waiting", "caudal.records.in");
	}

	@Test
	void fifteenMinutesAreKeptAndOlderSecondsDropOut() {
		MeterHistory history = new MeterHistory(this.registry, 100, false);
		AtomicLong value = this.registry.gauge("caudal.memory.reserved", new AtomicLong());
		for (int second = 1; second <= MeterHistory.POINTS + 100; second++) {
			value.set(second);
			history.sample(second * 1000L);
		}
		List<MeterHistory.Point> points = history.series("caudal.memory.reserved", Map.of(), ALL);
		assertThat(points).hasSize(MeterHistory.POINTS);
		assertThat(points.get(0)).isEqualTo(new MeterHistory.Point(101_000, 101));
		assertThat(points.get(points.size() - 1)).isEqualTo(new MeterHistory.Point(1_000_000, 1000));
	}

	@Test
	void aRemovedMeterKeepsItsPastUntilItLeavesTheWindowAndOnlyCaudalsMetersAreKept() {
		MeterHistory history = new MeterHistory(this.registry, 2, false);
		Gauge gone = Gauge.builder("caudal.topics", () -> 7).register(this.registry);
		Gauge.builder("jvm.threads.live", () -> 30).register(this.registry);
		history.sample(1_000);
		this.registry.remove(gone);
		history.sample(2_000);
		assertThat(history.series("caudal.topics", Map.of(), ALL)).containsExactly(new MeterHistory.Point(1_000, 7));
		assertThat(history.series("jvm.threads.live", Map.of(), ALL)).isNull();
		for (int second = 3; second <= MeterHistory.POINTS + 1; second++) {
			history.sample(second * 1000L);
		}
		assertThat(history.series("caudal.topics", Map.of(), ALL)).isNull();
	}

	@Test
	void onlyTheMetersTheCallerMaySeeCount() {
		MeterHistory history = new MeterHistory(this.registry, 100, false);
		AtomicLong billing = this.registry.gauge("caudal.group.lag", io.micrometer.core.instrument.Tags.of("group",
				"billing", "topic", "orders"), new AtomicLong(7));
		AtomicLong audit = this.registry.gauge("caudal.group.lag", io.micrometer.core.instrument.Tags.of("group",
				"audit", "topic", "orders"), new AtomicLong(100));
		history.sample(1_000);
		assertThat(billing.get() + audit.get()).isEqualTo(107);
		assertThat(history.series("caudal.group.lag", Map.of("topic", "orders"),
				id -> !"audit".equals(id.getTag("group")))).containsExactly(new MeterHistory.Point(1_000, 7));
	}

	@Test
	void aMeterLeftOutWhileTheRingsWereFullGetsNoFakeSpikeWhenLetIn() {
		MeterHistory history = new MeterHistory(this.registry, 1, false);
		Counter first = Counter.builder("caudal.records.in").tag("topic", "a").register(this.registry);
		history.sample(1_000);
		Counter late = Counter.builder("caudal.records.in").tag("topic", "b").register(this.registry);
		late.increment(1000);
		history.sample(2_000);
		this.registry.remove(first);
		long second = 3;
		for (; second <= MeterHistory.POINTS + 3; second++) {
			history.sample(second * 1000L);
		}
		late.increment(3);
		history.sample(second * 1000L);
		List<Double> values = history.series("caudal.records.in", Map.of("topic", "b"), ALL)
			.stream()
			.map(MeterHistory.Point::value)
			.toList();
		assertThat(values).as("let in once the first meter's history was gone; what it counted while left out is no "
				+ "second's rate").containsExactly(3.0);
	}

	@Test
	void metersPastTheCapHaveNoHistory() {
		MeterHistory history = new MeterHistory(this.registry, 2, false);
		for (String topic : List.of("a", "b", "c")) {
			Counter.builder("caudal.records.out").tag("topic", topic).register(this.registry);
		}
		history.sample(1_000);
		history.sample(2_000);
		long kept = List.of("a", "b", "c")
			.stream()
			.filter(topic -> !history.series("caudal.records.out", Map.of("topic", topic), ALL).isEmpty())
			.count();
		assertThat(kept).isEqualTo(2);
	}

}
