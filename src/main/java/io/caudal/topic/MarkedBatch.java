package io.caudal.topic;

/**
 * A stored batch written by a request with an {@code Idempotency-Key}.
 *
 * @param mark what the batch carries
 * @param partition its partition
 * @param baseOffset the offset of its first record
 * @param recordCount how many records it holds
 */
public record MarkedBatch(IdempotencyMark mark, int partition, long baseOffset, int recordCount) {
}
