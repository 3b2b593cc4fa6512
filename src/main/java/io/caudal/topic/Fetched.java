package io.caudal.topic;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An answer to a fetch.
 * @param records the records, in offset order
 * @param nextOffset the offset to fetch next
 * @param startOffset the partition's first stored offset
 * @param endOffset the offset the partition's next record will get
 * @param bytes the stored size of the records (key, value and headers), as maxBytes counts them
 */
public record Fetched(List<ConsumedRecord> records, long nextOffset, long startOffset, long endOffset,
		@JsonIgnore long bytes) {
}
