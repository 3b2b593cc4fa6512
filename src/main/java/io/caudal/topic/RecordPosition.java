package io.caudal.topic;

/** Where an acknowledged record was stored: its partition, offset and timestamp (epoch ms). */
public record RecordPosition(int partition, long offset, long timestamp) {
}
