package io.caudal.kafka;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.offset.DatabaseClock;
import io.caudal.topic.IdempotencyKeys;
import io.caudal.topic.KeyLedger;
import io.caudal.topic.MarkedBatch;
import io.caudal.topic.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Idempotency keys of nodes sharing a Kafka cluster, kept in the database they share (table
 * {@code idempotency_keys}), without Kafka transactions.
 * <p>
 * A request claims its key (a row marked pending, with a random token) before anything is written, and notes each
 * partition's end offset just before its write; its batches carry the key in Caudal's idempotency header. When it
 * ends, the row keeps where its batches went. A retry of a key in flight is refused (409) for as long as the first
 * try may still be writing: the claim's lease, longer than the producer's delivery timeout. A retry after the lease
 * finds a pending claim whose node died or stalled: it reads each noted partition from the noted end offset for a
 * batch with the key's header, learns which batches were stored, takes the claim over with a new token, and writes
 * only the missing ones. A stalled node that wakes after that finds its token gone and writes nothing more.
 * Thread-safe.
 */
final class KafkaKeyLedger implements KeyLedger {

	private static final Logger logger = LoggerFactory.getLogger(KafkaKeyLedger.class);

	/** How often at most the kept keys are counted and the expired ones deleted. */
	private static final long HOUSEKEEPING_INTERVAL_MS = 1000;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final DatabaseClock clock;

	private final KafkaStorage storage;

	private final long windowMs;

	private final int maxKeys;

	private final long leaseMs;

	private volatile int size;

	private volatile long housekeptAtMs;

	/**
	 * @param windowMs how long a key is kept after its first request
	 * @param maxKeys the most keys kept at once, over every node
	 * @param leaseMs how long a claim may be in flight before another node may take it over: longer than a write
	 * may take
	 */
	KafkaKeyLedger(JdbcClient jdbc, PlatformTransactionManager transactionManager, DatabaseClock clock,
			KafkaStorage storage, long windowMs, int maxKeys, long leaseMs) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.clock = clock;
		this.storage = storage;
		this.windowMs = windowMs;
		this.maxKeys = maxKeys;
		this.leaseMs = leaseMs;
	}

	@Override
	public Claim claim(String topic, IdempotencyKeys.Request request, int partitionCount) {
		long now = this.clock.nowMs();
		housekeep(now);
		String body = HexFormat.of().formatHex(request.bodySha256());
		long token = ThreadLocalRandom.current().nextLong();
		return this.transactions.execute(status -> {
			ClaimRow row = this.jdbc
				.sql("SELECT body_sha256, partition_count, pending, claimed_at_ms, expires_at_ms, write_ends, stored"
						+ " FROM idempotency_keys WHERE topic = ? AND key_hash = ? FOR UPDATE")
				.params(topic, request.keyHash())
				.query((rs, index) -> new ClaimRow(rs.getString(1), (short) rs.getInt(2), rs.getBoolean(3),
						rs.getLong(4), rs.getLong(5), rs.getString(6), rs.getString(7)))
				.optional()
				.orElse(null);
			if (row == null || row.expiresAtMs() <= now) {
				claimNew(topic, request.keyHash(), body, (short) partitionCount, token, now, row != null);
				return new Claim((short) partitionCount, Map.of(), token);
			}
			if (!row.bodySha256().equals(body)) {
				throw IdempotencyKeys.reused();
			}
			Map<Integer, long[]> stored = parseStored(row.stored());
			if (row.pending()) {
				if (now - row.claimedAtMs() < this.leaseMs) {
					throw IdempotencyKeys.inUse();
				}
				stored.putAll(storedAfter(topic, request.keyHash(), parseEnds(row.writeEnds()), stored.keySet()));
				logger.info("{} - Took over the claim of an idempotency key whose request did not finish within {} ms; "
						+ "its batches found stored: partitions {}.", topic, this.leaseMs, stored.keySet());
			}
			this.jdbc.sql("UPDATE idempotency_keys SET pending = TRUE, claim_token = ?, claimed_at_ms = ?,"
					+ " write_ends = NULL, stored = ? WHERE topic = ? AND key_hash = ?")
				.params(token, now, formatStored(stored), topic, request.keyHash())
				.update();
			return new Claim(row.partitionCount(), stored, token);
		});
	}

	@Override
	public void writing(String topic, long keyHash, long token, Set<Integer> partitions) {
		Map<Integer, Long> ends = new TreeMap<>();
		for (int partition : partitions) {
			ends.put(partition, this.storage.state(new TopicPartition(topic, partition)).endOffset());
		}
		int updated = this.jdbc
			.sql("UPDATE idempotency_keys SET write_ends = ?, claimed_at_ms = ?"
					+ " WHERE topic = ? AND key_hash = ? AND claim_token = ?")
			.params(formatEnds(ends), this.clock.nowMs(), topic, keyHash, token)
			.update();
		if (updated == 0) {
			throw new CaudalException(ErrorCode.IDEMPOTENCY_KEY_IN_USE, "This request's Idempotency-Key was taken "
					+ "over by a retry meanwhile; nothing was written by this request.");
		}
	}

	/**
	 * A write Kafka did not acknowledge may still have been appended and become visible later (a timeout, not
	 * enough in-sync replicas after the append): a claim with such a write stays pending, so that a retry waits
	 * for its lease to end and then looks for the batch before writing.
	 */
	@Override
	public void finish(String topic, long keyHash, long token, Map<Integer, long[]> stored) {
		this.transactions.executeWithoutResult(status -> {
			Optional<Optional<String>> claimed = this.jdbc
				.sql("SELECT write_ends FROM idempotency_keys WHERE topic = ? AND key_hash = ? AND claim_token = ?"
						+ " FOR UPDATE")
				.params(topic, keyHash, token)
				.query((rs, index) -> Optional.ofNullable(rs.getString(1)))
				.optional();
			if (claimed.isEmpty()) {
				logger.warn("{} - An idempotency key's claim was taken over by a retry before its request finished; "
						+ "the retry's outcome stands.", topic);
				return;
			}
			Set<Integer> unsure = new TreeSet<>(parseEnds(claimed.get().orElse(null)).keySet());
			unsure.removeAll(stored.keySet());
			if (!unsure.isEmpty()) {
				this.jdbc.sql("UPDATE idempotency_keys SET stored = ? WHERE topic = ? AND key_hash = ?")
					.params(formatStored(stored), topic, keyHash)
					.update();
				logger.info("{} - Partitions {} did not acknowledge a write with an idempotency key; its claim stays "
						+ "until its lease ends, and a retry then looks for the batch before writing.", topic, unsure);
			}
			else if (stored.isEmpty()) {
				this.jdbc.sql("DELETE FROM idempotency_keys WHERE topic = ? AND key_hash = ? AND claim_token = ?")
					.params(topic, keyHash, token)
					.update();
			}
			else {
				this.jdbc.sql("UPDATE idempotency_keys SET pending = FALSE, write_ends = NULL, stored = ?"
						+ " WHERE topic = ? AND key_hash = ? AND claim_token = ?")
					.params(formatStored(stored), topic, keyHash, token)
					.update();
			}
		});
	}

	@Override
	public void forget(String topic) {
		this.jdbc.sql("DELETE FROM idempotency_keys WHERE topic = ?").param(topic).update();
	}

	@Override
	public int size() {
		return this.size;
	}

	private void claimNew(String topic, long keyHash, String body, short partitionCount, long token, long now,
			boolean replacingExpired) {
		if (!replacingExpired && this.size >= this.maxKeys) {
			throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The cluster keeps as many idempotency keys as it may "
					+ "(caudal.idempotency.max-keys " + this.maxKeys + ") for their whole window; retry later, or send "
					+ "this request without Idempotency-Key.", Map.of(CaudalException.RETRY_AFTER_SECONDS, 60));
		}
		if (replacingExpired) {
			this.jdbc.sql("DELETE FROM idempotency_keys WHERE topic = ? AND key_hash = ?")
				.params(topic, keyHash)
				.update();
		}
		try {
			this.jdbc.sql("INSERT INTO idempotency_keys (topic, key_hash, body_sha256, partition_count, pending,"
					+ " claim_token, claimed_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, TRUE, ?, ?, ?)")
				.params(topic, keyHash, body, partitionCount, token, now, now + this.windowMs)
				.update();
		}
		catch (DuplicateKeyException ex) {
			throw IdempotencyKeys.inUse();
		}
	}

	/** The key's batches stored from the noted end offsets on, in the partitions not known to hold one. */
	private Map<Integer, long[]> storedAfter(String topic, long keyHash, Map<Integer, Long> ends,
			Set<Integer> known) {
		Map<Integer, long[]> found = new HashMap<>();
		ends.forEach((partition, end) -> {
			if (known.contains(partition)) {
				return;
			}
			for (MarkedBatch batch : this.storage.markedBatchesFrom(new TopicPartition(topic, partition), end)) {
				if (batch.mark().keyHash() == keyHash) {
					found.put(partition, new long[] { batch.baseOffset(), batch.recordCount() });
					return;
				}
			}
		});
		return found;
	}

	/** Counts the keys kept and deletes the expired ones, at most once a second over all requests of this node. */
	private void housekeep(long now) {
		if (now - this.housekeptAtMs < HOUSEKEEPING_INTERVAL_MS) {
			return;
		}
		this.housekeptAtMs = now;
		this.jdbc.sql("DELETE FROM idempotency_keys WHERE expires_at_ms <= ?").param(now).update();
		this.size = this.jdbc.sql("SELECT COUNT(*) FROM idempotency_keys").query(Integer.class).single();
	}

	private static String formatStored(Map<Integer, long[]> stored) {
		return stored.entrySet()
			.stream()
			.map(entry -> entry.getKey() + ":" + entry.getValue()[0] + ":" + entry.getValue()[1])
			.collect(Collectors.joining(","));
	}

	private static Map<Integer, long[]> parseStored(String text) {
		Map<Integer, long[]> stored = new HashMap<>();
		if (text != null && !text.isEmpty()) {
			for (String item : text.split(",")) {
				String[] parts = item.split(":");
				stored.put(Integer.parseInt(parts[0]), new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) });
			}
		}
		return stored;
	}

	private static String formatEnds(Map<Integer, Long> ends) {
		return ends.entrySet()
			.stream()
			.map(entry -> entry.getKey() + ":" + entry.getValue())
			.collect(Collectors.joining(","));
	}

	private static Map<Integer, Long> parseEnds(String text) {
		Map<Integer, Long> ends = new TreeMap<>();
		if (text != null && !text.isEmpty()) {
			for (String item : text.split(",")) {
				String[] parts = item.split(":");
				ends.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
			}
		}
		return ends;
	}

	/** A key's row as read under its lock. */
	private record ClaimRow(String bodySha256, short partitionCount, boolean pending, long claimedAtMs,
			long expiresAtMs, String writeEnds, String stored) {

	}

}
