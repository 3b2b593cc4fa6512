package io.caudal.log;

/**
 * A stored batch that carries a {@link BatchTag}.
 *
 * @param tag its tag
 * @param baseOffset the offset of its first record
 * @param recordCount how many records it holds
 */
public record TaggedBatch(BatchTag tag, long baseOffset, int recordCount) {
}
