package io.caudal.log;

import java.util.List;

/**
 * The answer to {@link Log#read(long, int, int)}.
 *
 * @param records the records read, in offset order, unmodifiable; empty when the read started at the end
 * @param nextOffset the offset to read next: one past the last record returned, or the requested offset when
 * nothing was returned
 * @param logStartOffset the first offset still held by the log when the read finished
 * @param logEndOffset the offset the next appended record will get, as of the start of the read
 */
public record FetchResult(List<StoredRecord> records, long nextOffset, long logStartOffset, long logEndOffset) {
}
