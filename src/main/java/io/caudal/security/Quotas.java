package io.caudal.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Kafka's client quotas per principal, with a {@code default} for principals without their own: token buckets
 * (Bucket4j) refilled at the quota's rate with one second of burst. A request is counted when it arrives; bytes are
 * counted as they go, and may take a bucket into debt (one request may exceed a second's worth), so the next call
 * waits until the debt is paid, as Kafka's throttling does. Buckets that are full again are dropped now and then,
 * so memory follows the principals that are busy, not every principal ever seen.
 */
@Component
public class Quotas {

	/** The name that sets the quotas of every principal without its own. */
	public static final String DEFAULT = "default";

	private static final int SWEEP_EVERY = 1024;

	/** Bucket4j refills at most one token per nanosecond. */
	private static final long MAX_RATE = 1_000_000_000L;

	private final JdbcClient jdbc;

	private final boolean enabled;

	private volatile Map<String, QuotaLimits> configured;

	private final Map<CaudalPrincipal, Buckets> buckets = new ConcurrentHashMap<>();

	private final AtomicLong created = new AtomicLong();

	private final SecurityChanges changes;

	Quotas(JdbcClient jdbc, AccessControl access, SecurityChanges changes) {
		this.jdbc = jdbc;
		this.changes = changes;
		this.enabled = access.enabled();
		this.configured = Map.of();
		if (this.enabled) {
			reload();
		}
	}

	/** Every quota set, by principal ({@code default} included). */
	public Map<String, QuotaLimits> list() {
		return this.configured;
	}

	/**
	 * Sets a principal's quotas (all null: removes them); they apply from the next call.
	 * @param principal a typed principal or {@code default}
	 * @throws CaudalException {@link ErrorCode#INVALID_REQUEST} for a rate below 1 or a malformed principal
	 */
	public synchronized QuotaLimits set(String principal, QuotaLimits limits) {
		String name = checkedName(principal);
		for (Long rate : new Long[] { limits.producerByteRate(), limits.consumerByteRate(), limits.requestRate() }) {
			if (rate != null && (rate < 1 || rate > MAX_RATE)) {
				throw new CaudalException(ErrorCode.INVALID_REQUEST, "A quota is a rate of 1 to " + MAX_RATE
						+ " per second, not " + rate + "; leave it out (or null) for no limit.");
			}
		}
		this.jdbc.sql("DELETE FROM quotas WHERE principal = ?").param(name).update();
		if (!limits.isEmpty()) {
			this.jdbc.sql("INSERT INTO quotas (principal, producer_byte_rate, consumer_byte_rate, request_rate) "
					+ "VALUES (?, ?, ?, ?)")
				.params(name, limits.producerByteRate(), limits.consumerByteRate(), limits.requestRate())
				.update();
		}
		this.changes.record();
		reload();
		return limits;
	}

	/**
	 * Counts one request.
	 * @throws CaudalException {@link ErrorCode#THROTTLED} past the principal's {@code request_rate}
	 */
	public void request(CaudalPrincipal principal) {
		Buckets owned = bucketsOf(principal);
		if (owned != null && owned.requests != null) {
			ConsumptionProbe probe = owned.requests.tryConsumeAndReturnRemaining(1);
			if (!probe.isConsumed()) {
				throw throttled(principal, "request_rate", probe.getNanosToWaitForRefill());
			}
		}
	}

	/**
	 * Counts produced bytes.
	 * @throws CaudalException {@link ErrorCode#THROTTLED} while the principal's {@code producer_byte_rate} is in debt
	 */
	public void produce(CaudalPrincipal principal, long bytes) {
		Buckets owned = bucketsOf(principal);
		if (owned != null && owned.produced != null) {
			payOrRefuse(principal, "producer_byte_rate", owned.produced, bytes);
		}
	}

	/** Whether the principal has a producer_byte_rate. */
	public boolean limitsProduction(CaudalPrincipal principal) {
		Buckets owned = bucketsOf(principal);
		return owned != null && owned.produced != null;
	}

	/**
	 * Refuses a fetch while the principal's {@code consumer_byte_rate} is in debt; what it answers is counted with
	 * {@link #consumed}.
	 * @throws CaudalException {@link ErrorCode#THROTTLED}
	 */
	public void beforeConsuming(CaudalPrincipal principal) {
		Buckets owned = bucketsOf(principal);
		if (owned != null && owned.consumed != null) {
			payOrRefuse(principal, "consumer_byte_rate", owned.consumed, 0);
		}
	}

	/** Counts bytes answered to a consumer. */
	public void consumed(CaudalPrincipal principal, long bytes) {
		Buckets owned = bucketsOf(principal);
		if (owned != null && owned.consumed != null && bytes > 0) {
			owned.consumed.consumeIgnoringRateLimits(bytes);
		}
	}

	/** What slows pushes to the principal (its sockets, its streams) to its consumer_byte_rate. */
	public PushThrottle throttle(CaudalPrincipal principal) {
		if (!this.enabled) {
			return PushThrottle.NONE;
		}
		return new PushThrottle() {

			@Override
			public long delayNanos() {
				return consumerDelayNanos(principal);
			}

			@Override
			public void sent(long bytes) {
				consumed(principal, bytes);
			}

		};
	}

	/** How long a push to the principal (a socket, a stream) should wait before it sends more records; 0 for now. */
	long consumerDelayNanos(CaudalPrincipal principal) {
		Buckets owned = bucketsOf(principal);
		if (owned == null || owned.consumed == null || owned.consumed.getAvailableTokens() > 0) {
			return 0;
		}
		return owned.consumed.estimateAbilityToConsume(1).getNanosToWaitForRefill();
	}


	private void payOrRefuse(CaudalPrincipal principal, String quota, Bucket bucket, long bytes) {
		if (bucket.getAvailableTokens() <= 0) {
			throw throttled(principal, quota, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
		}
		if (bytes > 0) {
			bucket.consumeIgnoringRateLimits(bytes);
		}
	}

	private Buckets bucketsOf(CaudalPrincipal principal) {
		if (!this.enabled || this.configured.isEmpty()) {
			return null;
		}
		Map<String, QuotaLimits> quotas = this.configured;
		Buckets owned = this.buckets.get(principal);
		if (owned != null && owned.from == quotas) {
			return owned;
		}
		// One bucket per principal even when its first calls race: what each counts stays counted.
		Buckets current = this.buckets.compute(principal, (key, existing) -> (existing != null && existing.from == quotas)
				? existing : new Buckets(quotas, quotas.getOrDefault(key.toString(), QuotaLimits.NONE)
					.over(quotas.getOrDefault(DEFAULT, QuotaLimits.NONE))));
		if (owned == null && this.created.incrementAndGet() % SWEEP_EVERY == 0) {
			// Buckets that are full again are the same as fresh ones: dropping them bounds memory by busy principals.
			this.buckets.entrySet().removeIf(entry -> entry.getValue() != current && entry.getValue().isFull());
		}
		return current;
	}

	private static CaudalException throttled(CaudalPrincipal principal, String quota, long nanos) {
		int seconds = (int) Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
		return new CaudalException(ErrorCode.THROTTLED, "Principal '" + principal + "' is over its " + quota
				+ " quota; retry in " + seconds + " s.", Map.of(CaudalException.RETRY_AFTER_SECONDS, seconds));
	}

	private static String checkedName(String principal) {
		return DEFAULT.equals(principal) ? DEFAULT : CaudalPrincipal.parse(principal).toString();
	}

	/** Takes in quotas set by other nodes; buckets follow the new limits from their next use. */
	@EventListener
	synchronized void reload(SecurityChanges.Reload event) {
		if (this.enabled) {
			reload();
		}
	}

	private void reload() {
		Map<String, QuotaLimits> loaded = new LinkedHashMap<>();
		this.jdbc.sql("SELECT principal, producer_byte_rate, consumer_byte_rate, request_rate FROM quotas "
				+ "ORDER BY principal")
			.query(rs -> {
				loaded.put(rs.getString("principal"), new QuotaLimits(rs.getObject("producer_byte_rate", Long.class),
						rs.getObject("consumer_byte_rate", Long.class), rs.getObject("request_rate", Long.class)));
			});
		if (!loaded.equals(this.configured)) {
			// Buckets are rebuilt, full, when the configured quotas change: an unchanged reload must not forgive
			// what principals owe.
			this.configured = Map.copyOf(loaded);
		}
	}

	/** A principal's buckets, built from one version of the configured quotas. */
	private static final class Buckets {

		final Map<String, QuotaLimits> from;

		final QuotaLimits limits;

		final Bucket produced;

		final Bucket consumed;

		final Bucket requests;

		Buckets(Map<String, QuotaLimits> from, QuotaLimits limits) {
			this.from = from;
			this.limits = limits;
			this.produced = bucket(limits.producerByteRate());
			this.consumed = bucket(limits.consumerByteRate());
			this.requests = bucket(limits.requestRate());
		}

		boolean isFull() {
			return full(this.produced, this.limits.producerByteRate()) && full(this.consumed, this.limits.consumerByteRate())
					&& full(this.requests, this.limits.requestRate());
		}

		private static boolean full(Bucket bucket, Long capacity) {
			return bucket == null || bucket.getAvailableTokens() >= capacity;
		}

		private static Bucket bucket(Long rate) {
			if (rate == null) {
				return null;
			}
			return Bucket.builder()
				.addLimit(Bandwidth.builder().capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)).build())
				.build();
		}

	}

}
