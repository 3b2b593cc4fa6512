package io.caudal.topic;

import java.util.List;

/**
 * A record a client asked to produce, already decoded from JSON or base64.
 * @param key the key bytes, or null for no key
 * @param value the value bytes, or null for a tombstone
 * @param headers the headers, never null
 * @param partition the partition the client forced, or null to let the key decide
 * @param timestamp the client's timestamp in epoch ms, or null for the server's clock
 */
public record ProduceRecord(byte[] key, byte[] value, List<RecordHeader> headers, Integer partition, Long timestamp) {
}
