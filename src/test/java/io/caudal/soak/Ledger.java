package io.caudal.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the soak's clients saw, for the checks at the end: where each acknowledged record is stored, which offsets
 * the group's members processed, and when each member believed it owned each partition. Thread-safe.
 */
final class Ledger {

	/** A member's belief that it owns a partition, between two instants of {@link System#nanoTime}. */
	record Ownership(String member, int partition, long fromNanos, long toNanos) {
	}

	private final Map<String, Long> acknowledged = new HashMap<>();

	private final Map<String, Integer> acknowledgedPartitions = new HashMap<>();

	private final Map<Integer, Set<Long>> processed = new HashMap<>();

	private final List<Ownership> ownerships = new ArrayList<>();

	private long deliveries;

	private long redeliveries;

	private long outsideAssignment;

	/** A record the server acknowledged: its value, and the partition and offset the answer gave. */
	synchronized void acknowledged(String value, int partition, long offset) {
		this.acknowledged.put(value, offset);
		this.acknowledgedPartitions.put(value, partition);
	}

	/** A record a member processed; a second delivery of an offset is counted, as Kafka's at-least-once allows. */
	synchronized void processed(int partition, long offset) {
		this.deliveries++;
		if (!this.processed.computeIfAbsent(partition, p -> new HashSet<>()).add(offset)) {
			this.redeliveries++;
		}
	}

	/** Records of a partition the answer that carried them did not assign to the member. */
	synchronized void outsideAssignment(int records) {
		this.outsideAssignment += records;
	}

	synchronized void owned(Ownership ownership) {
		this.ownerships.add(ownership);
	}

	synchronized Map<String, Long> acknowledgedOffsets() {
		return Map.copyOf(this.acknowledged);
	}

	synchronized int acknowledgedPartition(String value) {
		return this.acknowledgedPartitions.get(value);
	}

	synchronized boolean wasProcessed(int partition, long offset) {
		return this.processed.getOrDefault(partition, Set.of()).contains(offset);
	}

	synchronized List<Ownership> ownerships() {
		return List.copyOf(this.ownerships);
	}

	synchronized long deliveries() {
		return this.deliveries;
	}

	synchronized long redeliveries() {
		return this.redeliveries;
	}

	synchronized long outsideAssignment() {
		return this.outsideAssignment;
	}

}
