package io.caudal.topic;

import java.util.List;

/**
 * An answer to a fetch.
 * @param records the records, in offset order
 * @param nextOffset the offset to fetch next
 * @param startOffset the partition's first stored offset
 * @param endOffset the offset the partition's next record will get
 */
public record Fetched(List<ConsumedRecord> records, long nextOffset, long startOffset, long endOffset) {
}
