package io.caudal.topic;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import io.caudal.time.Time;

/**
 * The {@code Idempotency-Key}s of produce requests seen within the window, per topic: what each one's request
 * stored so far, in which partitions, and whether it is in flight. The stored batches carry the key's mark, so
 * after a restart a topic's keys are found again in its partitions (lazily, on the first request with a key for
 * that topic) rather than kept in a file of their own: a key is durable exactly when its records are.
 * <p>
 * Bounded: at most {@code maxKeys} keys are remembered, over all topics. Past that a request with a new key is
 * refused (429 {@code RESOURCE_LIMIT}) until older keys leave the window; a key is never forgotten early, which
 * would turn its retry into a duplicate. A key found again after a restart is kept for a whole window from then,
 * since its batches tell where, not when, they were written.
 * <p>
 * With a {@link KeyLedger} (several nodes on one storage) the ledger keeps the keys instead, and each entry here
 * lives only as long as its request. Thread-safe.
 */
public final class IdempotencyKeys {

	private final Storage storage;

	private final Time time;

	private final long windowMs;

	private final int maxKeys;

	private final Map<String, Map<Long, Entry>> topics = new HashMap<>();

	private int size;

	private final KeyLedger ledger;

	/**
	 * @param windowMs how long a key is remembered after its first request
	 * @param maxKeys the most keys remembered at once
	 * @param ledger where keys are kept when nodes share the storage, or null: then here
	 */
	public IdempotencyKeys(Storage storage, Time time, long windowMs, int maxKeys, KeyLedger ledger) {
		this.storage = storage;
		this.time = time;
		this.windowMs = windowMs;
		this.maxKeys = maxKeys;
		this.ledger = ledger;
	}

	/** How many keys are remembered now, over all topics. */
	public int size() {
		if (this.ledger != null) {
			return this.ledger.size();
		}
		synchronized (this) {
			return this.size;
		}
	}

	/** A request's key and body, as hashes. */
	public record Request(long keyHash, byte[] bodySha256) {

		/**
		 * @param principal whose key it is ({@code key:billing}), so that two principals' keys never meet; null
		 * when security is off
		 * @param key 1-255 visible ASCII characters, as the caller checked
		 */
		public static Request of(String principal, String key, byte[] bodySha256) {
			MessageDigest digest = sha256();
			if (principal != null) {
				// A NUL is in neither a principal's name nor a key, so no two (principal, key) pairs hash alike.
				digest.update(principal.getBytes(StandardCharsets.UTF_8));
				digest.update((byte) 0);
			}
			byte[] keySha256 = digest.digest(key.getBytes(StandardCharsets.US_ASCII));
			long keyHash = 0;
			for (int i = 0; i < 8; i++) {
				keyHash = (keyHash << 8) | (keySha256[i] & 0xff);
			}
			return new Request(keyHash & Long.MAX_VALUE, bodySha256.clone());
		}

		public int bodyHash() {
			return ((this.bodySha256[0] & 0x7f) << 24) | ((this.bodySha256[1] & 0xff) << 16)
					| ((this.bodySha256[2] & 0xff) << 8) | (this.bodySha256[3] & 0xff);
		}

	}

	/** What a key's request has stored: per partition, its batch's base offset and record count. */
	static final class Entry {

		private final int bodyHash;

		/** The body's full hash, or null for a key found again in storage, which keeps only {@link #bodyHash}. */
		private final byte[] bodySha256;

		private final short partitionCount;

		private final Map<Integer, long[]> stored = new HashMap<>();

		private final long expiresAtMs;

		private boolean inFlight;

		/** The ledger's claim this entry's request holds, when there is a ledger. */
		private long claimToken;

		Entry(int bodyHash, byte[] bodySha256, short partitionCount, long expiresAtMs) {
			this.bodyHash = bodyHash;
			this.bodySha256 = bodySha256;
			this.partitionCount = partitionCount;
			this.expiresAtMs = expiresAtMs;
		}

		short partitionCount() {
			return this.partitionCount;
		}

		/** The base offset and record count of the batch stored in {@code partition}, or null. */
		long[] stored(int partition) {
			return this.stored.get(partition);
		}

		boolean matches(Request request) {
			return (this.bodySha256 != null) ? Arrays.equals(this.bodySha256, request.bodySha256())
					: this.bodyHash == request.bodyHash();
		}

	}

	/**
	 * Takes the key for a request: a new entry, or the one of the same key and body from an earlier try, with what
	 * it stored. Call {@link #stored} for each batch stored and {@link #finish} when the request ends.
	 * @param partitionCount the topic's partitions now, which place a new key's records
	 * @throws CaudalException {@link ErrorCode#IDEMPOTENCY_KEY_IN_USE} while the key's first request is in flight,
	 * {@link ErrorCode#IDEMPOTENCY_KEY_REUSED} for another body, {@link ErrorCode#RESOURCE_LIMIT} when
	 * {@code maxKeys} keys are remembered
	 */
	Entry begin(String topic, Request request, int partitionCount) {
		if (this.ledger != null) {
			KeyLedger.Claim claim = this.ledger.claim(topic, request, partitionCount);
			Entry entry = new Entry(request.bodyHash(), request.bodySha256(), claim.partitionCount(), Long.MAX_VALUE);
			entry.stored.putAll(claim.stored());
			entry.claimToken = claim.token();
			entry.inFlight = true;
			return entry;
		}
		Map<Long, Entry> keys = keysOf(topic);
		synchronized (this) {
			long now = this.time.milliseconds();
			Entry entry = keys.get(request.keyHash());
			if (entry != null && entry.expiresAtMs <= now) {
				keys.remove(request.keyHash());
				this.size--;
				entry = null;
			}
			if (entry == null) {
				if (this.size >= this.maxKeys && expire(now) == 0) {
					throw new CaudalException(ErrorCode.RESOURCE_LIMIT, "The server remembers as many idempotency keys "
							+ "as it may (caudal.idempotency.max-keys " + this.maxKeys + ") for their whole window; "
							+ "retry later, or send this request without Idempotency-Key.",
							Map.of(CaudalException.RETRY_AFTER_SECONDS, 60));
				}
				entry = new Entry(request.bodyHash(), request.bodySha256(), (short) partitionCount,
						now + this.windowMs);
				keys.put(request.keyHash(), entry);
				this.size++;
			}
			else if (entry.inFlight) {
				throw inUse();
			}
			else if (!entry.matches(request)) {
				throw reused();
			}
			entry.inFlight = true;
			return entry;
		}
	}

	/** Notes that the entry's request is about to write to these partitions. */
	void writing(String topic, long keyHash, Entry entry, Set<Integer> partitions) {
		if (this.ledger != null) {
			this.ledger.writing(topic, keyHash, entry.claimToken, partitions);
		}
	}

	/** Notes that {@code partition}'s batch of the entry's request is stored. */
	synchronized void stored(Entry entry, int partition, long baseOffset, int recordCount) {
		entry.stored.put(partition, new long[] { baseOffset, recordCount });
	}

	/** Ends the entry's request: a request that stored nothing frees its key; any other keeps it. */
	void finish(String topic, long keyHash, Entry entry) {
		if (this.ledger != null) {
			Map<Integer, long[]> stored;
			synchronized (this) {
				entry.inFlight = false;
				stored = Map.copyOf(entry.stored);
			}
			this.ledger.finish(topic, keyHash, entry.claimToken, stored);
			return;
		}
		Map<Long, Entry> keys = keysOf(topic);
		synchronized (this) {
			entry.inFlight = false;
			if (entry.stored.isEmpty() && keys.remove(keyHash, entry)) {
				this.size--;
			}
		}
	}

	/** Forgets a deleted topic's keys. */
	public void forget(String topic) {
		if (this.ledger != null) {
			this.ledger.forget(topic);
			return;
		}
		synchronized (this) {
			Map<Long, Entry> keys = this.topics.remove(topic);
			if (keys != null) {
				this.size -= keys.size();
			}
		}
	}

	/** The answer to a request whose key another try holds now. */
	public static CaudalException inUse() {
		return new CaudalException(ErrorCode.IDEMPOTENCY_KEY_IN_USE, "A request with this Idempotency-Key is "
				+ "still in flight; retry once it has been answered.");
	}

	/** The answer to a request whose key was used with another body. */
	public static CaudalException reused() {
		return new CaudalException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used with another "
				+ "request body within its window; a retry must send the same bytes. Use a new key for a new request.");
	}

	/** The keys of a topic, found again in its partitions the first time. */
	private Map<Long, Entry> keysOf(String topic) {
		synchronized (this) {
			Map<Long, Entry> keys = this.topics.get(topic);
			if (keys != null) {
				return keys;
			}
		}
		Map<Long, Entry> found = recover(topic);
		synchronized (this) {
			Map<Long, Entry> keys = this.topics.putIfAbsent(topic, found);
			if (keys != null) {
				return keys;
			}
			this.size += found.size();
			return found;
		}
	}

	private Map<Long, Entry> recover(String topic) {
		long now = this.time.milliseconds();
		Map<Long, Entry> found = new HashMap<>();
		for (int partition = 0; partition < this.storage.topic(topic).partitions(); partition++) {
			for (MarkedBatch batch : this.storage.markedBatches(new TopicPartition(topic, partition),
					now - this.windowMs)) {
				IdempotencyMark mark = batch.mark();
				Entry entry = found.computeIfAbsent(mark.keyHash(),
						hash -> new Entry(mark.bodyHash(), null, mark.partitionCount(), now + this.windowMs));
				entry.stored.put(batch.partition(), new long[] { batch.baseOffset(), batch.recordCount() });
			}
		}
		return found;
	}

	/** Drops expired keys. @return how many */
	private int expire(long now) {
		int expired = 0;
		for (Map<Long, Entry> keys : this.topics.values()) {
			Set<Long> gone = new HashSet<>();
			keys.forEach((hash, entry) -> {
				if (entry.expiresAtMs <= now && !entry.inFlight) {
					gone.add(hash);
				}
			});
			gone.forEach(keys::remove);
			expired += gone.size();
		}
		this.size -= expired;
		return expired;
	}

	/** A new SHA-256 digest, which keys and bodies are hashed with. */
	public static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256.", ex);
		}
	}

}
