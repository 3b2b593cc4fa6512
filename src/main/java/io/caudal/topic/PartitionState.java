package io.caudal.topic;

/**
 * What a partition holds right now.
 * @param partition the partition number
 * @param startOffset the first offset still stored
 * @param endOffset the offset the next record will get
 * @param sizeBytes the bytes its segments occupy on disk
 */
public record PartitionState(int partition, long startOffset, long endOffset, long sizeBytes) {
}
