package io.caudal.topic;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.utils.Utils;

/**
 * Chooses partitions as Kafka's producer does: a keyed record goes to
 * {@code toPositive(murmur2(keyBytes)) % partitions}, so a key lands on the same partition number
 * as with a Kafka producer using a string serializer. Unkeyed records of one request stick to
 * one partition, and successive requests rotate over the partitions (Kafka's sticky partitioner,
 * KIP-480): the load spreads evenly while each request stays one batch. Thread-safe.
 */
final class Partitioner {

	private final AtomicInteger nextUnkeyed = new AtomicInteger();

	/** The partition of a key; keyBytes must not be null. */
	static int partitionForKey(byte[] keyBytes, int partitions) {
		return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
	}

	/** The partition for the unkeyed records of the next request. */
	int nextUnkeyedPartition(int partitions) {
		return Utils.toPositive(this.nextUnkeyed.getAndIncrement()) % partitions;
	}

}
