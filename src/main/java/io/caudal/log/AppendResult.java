package io.caudal.log;

/**
 * The offsets given to the records of one {@link PartitionLog#append(java.util.List) append}: contiguous, in request
 * order.
 *
 * @param baseOffset the offset of the first record
 * @param lastOffset the offset of the last record
 */
public record AppendResult(long baseOffset, long lastOffset) {
}
