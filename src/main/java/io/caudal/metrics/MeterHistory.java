package io.caudal.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.caudal.concurrent.DaemonThreads;
import io.caudal.config.CaudalProperties;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The last 15 minutes of Caudal's meters (names starting with {@code caudal.}), sampled every second into one ring
 * per meter, because Micrometer keeps no history and a chart should be right from the moment it opens. A count that
 * only grows (counters, and the counts of timers and summaries) is kept as its increase per second; anything else
 * (gauges) as its value. Thread-safe.
 */
@Component
public class MeterHistory implements DisposableBean {

	/** Seconds kept: 15 minutes. */
	public static final int POINTS = 900;

	public static final long INTERVAL_MS = 1000;

	private static final String PREFIX = "caudal.";

	private static final Logger logger = LoggerFactory.getLogger(MeterHistory.class);

	private final MeterRegistry registry;

	private final int maxMeters;

	/** The time of each slot's sample, shared by every ring. */
	private final long[] sampledAt = new long[POINTS];

	private final Map<Meter.Id, Ring> rings = new ConcurrentHashMap<>();

	private final ScheduledExecutorService sampler;

	/** Meters left out while the rings were full; bounded by the registry, which holds them anyway. */
	private final Set<Meter.Id> refused = new HashSet<>();

	private int next;

	private int filled;

	private boolean warnedFull;

	@Autowired
	MeterHistory(MeterRegistry registry, CaudalProperties properties) {
		this(registry, properties.metricSeries().maxMeters(), true);
	}

	MeterHistory(MeterRegistry registry, int maxMeters, boolean sampleEverySecond) {
		this.registry = registry;
		this.maxMeters = maxMeters;
		if (sampleEverySecond) {
			this.sampler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("caudal-meter-history"));
			this.sampler.scheduleAtFixedRate(() -> sample(System.currentTimeMillis()), INTERVAL_MS, INTERVAL_MS,
					TimeUnit.MILLISECONDS);
		}
		else {
			this.sampler = null;
		}
	}

	/** Takes one sample of every meter, as of {@code nowMs}. */
	synchronized void sample(long nowMs) {
		try {
			int slot = this.next;
			long previous = (this.filled > 0) ? this.sampledAt[(slot + POINTS - 1) % POINTS] : -1;
			double seconds = (previous > 0) ? Math.max(1, nowMs - previous) / 1000.0 : Double.NaN;
			this.sampledAt[slot] = nowMs;
			Set<Meter.Id> seen = new HashSet<>();
			for (Meter meter : this.registry.getMeters()) {
				Meter.Id id = meter.getId();
				if (!id.getName().startsWith(PREFIX)) {
					continue;
				}
				seen.add(id);
				Ring ring = this.rings.get(id);
				if (ring == null) {
					if (this.rings.size() >= this.maxMeters) {
						warnFullOnce();
						this.refused.add(id);
						continue;
					}
					// A meter kept out while the rings were full has counted since before this second.
					ring = new Ring(cumulative(meter), this.refused.remove(id));
					this.rings.put(id, ring);
				}
				ring.record(slot, read(meter), seconds);
			}
			// A meter that went (a deleted topic's) keeps its history until its last sample leaves the window.
			this.rings.entrySet().removeIf(entry -> !seen.contains(entry.getKey()) && entry.getValue().forget(slot));
			this.refused.retainAll(seen);
			this.next = (slot + 1) % POINTS;
			this.filled = Math.min(this.filled + 1, POINTS);
		}
		catch (RuntimeException ex) {
			logger.warn("Sampling Caudal's meters failed; sampled again in a second: {}", ex.getMessage());
		}
	}

	/**
	 * The history of the meters with this name and every one of these tags that the caller may see, summed per
	 * second, oldest first.
	 * @return null when no meter of that name is sampled
	 */
	public synchronized List<Point> series(String name, Map<String, String> tags, Predicate<Meter.Id> visible) {
		List<Ring> matching = new ArrayList<>();
		boolean named = false;
		for (Map.Entry<Meter.Id, Ring> entry : this.rings.entrySet()) {
			Meter.Id id = entry.getKey();
			if (!id.getName().equals(name)) {
				continue;
			}
			named = true;
			if (tags.entrySet().stream().allMatch(tag -> tag.getValue().equals(id.getTag(tag.getKey())))
					&& visible.test(id)) {
				matching.add(entry.getValue());
			}
		}
		if (!named) {
			return null;
		}
		List<Point> points = new ArrayList<>(this.filled);
		for (int age = this.filled; age >= 1; age--) {
			int slot = (this.next - age + POINTS) % POINTS;
			double sum = Double.NaN;
			for (Ring ring : matching) {
				float value = ring.values[slot];
				if (!Float.isNaN(value)) {
					sum = Double.isNaN(sum) ? value : sum + value;
				}
			}
			if (!Double.isNaN(sum)) {
				points.add(new Point(this.sampledAt[slot], sum));
			}
		}
		return points;
	}

	/** The names of the meters sampled, sorted. */
	public synchronized Set<String> names() {
		Set<String> names = new TreeSet<>();
		this.rings.keySet().forEach(id -> names.add(id.getName()));
		return names;
	}

	@Override
	public void destroy() {
		if (this.sampler != null) {
			this.sampler.shutdownNow();
		}
	}

	private void warnFullOnce() {
		if (!this.warnedFull) {
			this.warnedFull = true;
			logger.warn("caudal.metric-series.max-meters ({}) meters are sampled; further meters have no history.",
					this.maxMeters);
		}
	}

	/** Whether the meter's first measurement only grows: a total or a count. */
	private static boolean cumulative(Meter meter) {
		for (Measurement measurement : meter.measure()) {
			return switch (measurement.getStatistic()) {
				case COUNT, TOTAL, TOTAL_TIME -> true;
				default -> false;
			};
		}
		return false;
	}

	private static double read(Meter meter) {
		for (Measurement measurement : meter.measure()) {
			return measurement.getValue();
		}
		return Double.NaN;
	}

	/** One second of a series. */
	public record Point(long epochMs, double value) {
	}

	/** One meter's samples, by slot; NaN where there is none. */
	private static final class Ring {

		final boolean cumulative;

		final float[] values = new float[POINTS];

		/**
		 * The count at the last sample. Meters are made on their first use (a topic's on its first produce), so
		 * a meter first seen now began counting within the last second: its count so far is that second's. One
		 * left out while the rings were full has none yet.
		 */
		double lastReading;

		Ring(boolean cumulative, boolean countedBefore) {
			this.cumulative = cumulative;
			this.lastReading = countedBefore ? Double.NaN : 0;
			Arrays.fill(this.values, Float.NaN);
		}

		void record(int slot, double reading, double seconds) {
			if (this.cumulative) {
				double increase = reading - this.lastReading;
				// A count that went down was reset (a topic deleted and made again): no rate for that second.
				this.values[slot] = (increase >= 0) ? (float) (increase / seconds) : Float.NaN;
				this.lastReading = reading;
			}
			else {
				this.values[slot] = (float) reading;
			}
		}

		/** Marks the slot empty; answers whether the ring holds nothing any more. */
		boolean forget(int slot) {
			this.values[slot] = Float.NaN;
			this.lastReading = Double.NaN;
			for (float value : this.values) {
				if (!Float.isNaN(value)) {
					return false;
				}
			}
			return true;
		}

	}

}
