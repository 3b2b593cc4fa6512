package io.caudal.topic;

/**
 * What each batch of a request with an {@code Idempotency-Key} carries into storage, durable with its records, so
 * that the key can be recognised again after a crash: whatever the storage keeps, it keeps both or neither.
 *
 * @param keyHash 63 bits of the key's SHA-256 (0 or more)
 * @param partitionCount the topic's partition count when the request was first tried, which placed its records
 * @param bodyHash 31 bits of the request body's SHA-256 (0 or more)
 */
public record IdempotencyMark(long keyHash, short partitionCount, int bodyHash) {
}
