package io.caudal.topic;

import java.util.Map;
import java.util.Set;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;

/**
 * Where {@code Idempotency-Key}s are kept when several nodes write to one storage: a key is claimed before its
 * records are written and its outcome kept after, in a place every node sees, so that a retry through any node
 * writes at most once, even when the node of an earlier try died part-way. Without one, each node keeps its keys
 * itself ({@link IdempotencyKeys}). Implementations are thread-safe.
 */
public interface KeyLedger {

	/**
	 * Claims a key for a request now in flight.
	 * @param partitionCount the topic's partitions now, which place a new key's records
	 * @return the partition count that places the key's records and the batches earlier tries stored, per
	 * partition its base offset and record count
	 * @throws CaudalException {@link ErrorCode#IDEMPOTENCY_KEY_IN_USE} while another try is in flight,
	 * {@link ErrorCode#IDEMPOTENCY_KEY_REUSED} for another body, {@link ErrorCode#RESOURCE_LIMIT} when as many keys
	 * as allowed are kept
	 */
	Claim claim(String topic, IdempotencyKeys.Request request, int partitionCount);

	/**
	 * Notes, just before the claimed request writes to these partitions, where each of them ends.
	 * @param token the claim's
	 * @throws CaudalException {@link ErrorCode#IDEMPOTENCY_KEY_IN_USE} when another node took the claim over
	 */
	void writing(String topic, long keyHash, long token, Set<Integer> partitions);

	/**
	 * Ends the claimed request: the key is kept with what it stored, or freed when nothing was ever stored.
	 * @param token the claim's; a claim another node took over meanwhile is left to it
	 * @param stored per partition, the base offset and record count of every batch stored by any try
	 */
	void finish(String topic, long keyHash, long token, Map<Integer, long[]> stored);

	/** Forgets a deleted topic's keys. */
	void forget(String topic);

	/** How many keys are kept now. */
	int size();

	/**
	 * A claimed key.
	 * @param partitionCount the partition count that places its records
	 * @param stored per partition, the base offset and record count of the batch an earlier try stored
	 * @param token tells this claim from a later one of the same key, by a node that took it over
	 */
	record Claim(short partitionCount, Map<Integer, long[]> stored, long token) {

	}

}
